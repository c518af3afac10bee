"""statistics covering indexes

Revision ID: 5e1a7c2b9d40
Revises: 6f2a1d3b7c24
Create Date: 2026-12-03 16:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1a7c2b9d40'
down_revision = '6f2a1d3b7c24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_stats', ['starts_at', 'status', 'location_id',
                                                       'service_id', 'team_id', 'online',
                                                       'attendance', 'cancelled_by_id',
                                                       'created_at'], unique=False)
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.create_index('ix_slot_day_stats', ['day', 'location_id', 'team_id', 'block_id',
                                                    'capacity', 'booked'], unique=False)


def downgrade():
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.drop_index('ix_slot_day_stats')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_stats')
