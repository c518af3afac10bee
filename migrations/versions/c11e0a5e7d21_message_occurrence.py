"""message occurrence: one message per appointment, kind, occurrence and channel

Revision ID: c11e0a5e7d21
Revises: a3eb518c5875
Create Date: 2026-12-03 14:20:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.types


# revision identifiers, used by Alembic.
revision = 'c11e0a5e7d21'
down_revision = 'a3eb518c5875'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence', sa.String(length=40), server_default='',
                                      nullable=False))
        batch_op.drop_constraint('uq_message_once', type_='unique')
        batch_op.create_unique_constraint('uq_message_once',
                                          ['appointment_id', 'kind', 'occurrence', 'channel'])


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint('uq_message_once', type_='unique')
        batch_op.create_unique_constraint('uq_message_once',
                                          ['appointment_id', 'kind', 'channel'])
        batch_op.drop_column('occurrence')
