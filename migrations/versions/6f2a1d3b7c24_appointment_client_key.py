"""appointment client key: caps on what one address holds and books online

Revision ID: 6f2a1d3b7c24
Revises: 5e1f0c2a9b13
Create Date: 2026-12-03 16:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f2a1d3b7c24'
down_revision = '5e1f0c2a9b13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_appointment_client', ['client_key', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_client')
        batch_op.drop_column('client_key')
