"""sign-in throttle: failures per address and per (email, address)

Revision ID: 5e1f0c2a9b13
Revises: 4d04385a3412
Create Date: 2026-12-03 16:00:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b13'
down_revision = '4d04385a3412'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', webapp.models.types.UTCDateTime(), nullable=False),
    sa.Column('wait_until', webapp.models.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_sign_in_throttle_key_hash'))
    )


def downgrade():
    op.drop_table('sign_in_throttle')
