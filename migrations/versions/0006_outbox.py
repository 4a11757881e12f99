"""An outbox of mail to send; patient and appointment addresses; reminder and alert settings

Revision ID: 0006_outbox
Revises: 0010_visit_view
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_outbox'
down_revision = '0010_visit_view'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('cause_type', sa.String(length=40), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=True),
    sa.Column('packet_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('link_seed', sa.String(length=64), nullable=True),
    sa.Column('visit_date', sa.Date(), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('resent_from_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("channel IN ('email')", name=op.f('ck_outbox_message_channel_valid')),
    sa.CheckConstraint("kind IN ('link', 'invitation', 'previsit', 'daily', 'staff_alert', 'staff_digest')", name=op.f('ck_outbox_message_kind_valid')),
    sa.CheckConstraint("status IN ('queued', 'sending', 'retry', 'sent', 'dead', 'skipped')", name=op.f('ck_outbox_message_status_valid')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], name=op.f('fk_outbox_message_appointment_id_appointment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinic.id'], name=op.f('fk_outbox_message_clinic_id_clinic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_outbox_message_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['link_id'], ['packet_link.id'], name=op.f('fk_outbox_message_link_id_packet_link'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['packet_id'], ['packet.id'], name=op.f('fk_outbox_message_packet_id_packet'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resent_from_id'], ['outbox_message.id'], name=op.f('fk_outbox_message_resent_from_id_outbox_message'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_message_idempotency_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_appointment', ['appointment_id'], unique=False)
        batch_op.create_index('ix_outbox_message_clinic_created', ['clinic_id', 'created_at'], unique=False)
        batch_op.create_index('ix_outbox_message_packet', ['packet_id'], unique=False)
        batch_op.create_index('ix_outbox_message_status_due', ['status', 'due_at'], unique=False)

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('patient_email', sa.String(length=254), nullable=True))

    # Existing rows get the defaults the models give new ones; the server defaults go after.
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_emails', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reminder_days', sa.String(length=40), nullable=False,
                                      server_default='3,1'))
        batch_op.add_column(sa.Column('digest_hour', sa.Integer(), nullable=False,
                                      server_default='7'))
        batch_op.create_check_constraint(op.f('ck_clinic_digest_hour_range'),
                                         'digest_hour BETWEEN 0 AND 23')
    with op.batch_alter_table('clinic', schema=None) as batch_op:
        for column in ('alert_emails', 'reminder_days', 'digest_hour'):
            batch_op.alter_column(column, server_default=None)

    with op.batch_alter_table('packet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('daily_reminder_hour', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previsit_reminders', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.create_check_constraint(
            op.f('ck_packet_daily_reminder_hour_range'),
            'daily_reminder_hour IS NULL OR daily_reminder_hour BETWEEN 0 AND 23')
    with op.batch_alter_table('packet', schema=None) as batch_op:
        batch_op.alter_column('previsit_reminders', server_default=None)



def downgrade():
    with op.batch_alter_table('packet', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_packet_daily_reminder_hour_range'), type_='check')
        batch_op.drop_column('previsit_reminders')
        batch_op.drop_column('daily_reminder_hour')
        batch_op.drop_column('contact_email')

    with op.batch_alter_table('clinic', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_clinic_digest_hour_range'), type_='check')
        batch_op.drop_column('digest_hour')
        batch_op.drop_column('reminder_days')
        batch_op.drop_column('alert_emails')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_column('patient_email')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_status_due')
        batch_op.drop_index('ix_outbox_message_packet')
        batch_op.drop_index('ix_outbox_message_clinic_created')
        batch_op.drop_index('ix_outbox_message_appointment')

    op.drop_table('outbox_message')
