"""drop user.failed_logins and user.locked_until (sign-in throttling replaced the lockout)

Revision ID: 4b7d2e9a1c36
Revises: 12e018d4dc51
Create Date: 2026-12-03 19:00:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = '4b7d2e9a1c36'
down_revision = '12e018d4dc51'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('locked_until', webapp.models.types.UTCDateTime(),
                                      nullable=True))
