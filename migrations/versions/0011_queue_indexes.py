"""The queue's doctor filter and name search read indexes that do not grow with the queue

The doctor list becomes a skip scan of (clinic, doctor, scheduled_for); a name search reads
`packet_name_word` (one row per word of a packet's patient name, casefolded) by prefix.
Existing packets get their words here; the app keeps them from then on.

Revision ID: 0011_queue_indexes
Revises: 0005_definitions
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

revision = "0011_queue_indexes"
down_revision = "0005_definitions"
branch_labels = None
depends_on = None

WORD = sa.String(length=120).with_variant(sa.String(length=120, collation="C"), "postgresql")


def upgrade():
    with op.batch_alter_table("appointment") as batch:
        batch.create_index("ix_appointment_clinic_doctor",
                           ["clinic_id", "doctor", "scheduled_for"], unique=False)
    words = op.create_table(
        "packet_name_word",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("word", WORD, nullable=False),
        sa.ForeignKeyConstraint(["packet_id"], ["packet.id"],
                                name=op.f("fk_packet_name_word_packet_id_packet"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("packet_id", "word", name=op.f("pk_packet_name_word")),
    )
    op.create_index("ix_packet_name_word_word", "packet_name_word", ["word", "packet_id"],
                    unique=False)
    # The same words as models.name_words, for every packet already there.
    connection = op.get_bind()
    packet = sa.table("packet", sa.column("id", sa.Integer), sa.column("patient_name"))
    last = 0
    while True:
        batch = connection.execute(
            sa.select(packet.c.id, packet.c.patient_name)
            .where(packet.c.id > last).order_by(packet.c.id).limit(5000)).all()
        if not batch:
            break
        rows = [{"packet_id": ident, "word": word} for ident, name in batch
                for word in sorted(set((name or "").casefold().split()))]
        if rows:
            connection.execute(words.insert(), rows)
        last = batch[-1][0]


def downgrade():
    op.drop_index("ix_packet_name_word_word", table_name="packet_name_word")
    op.drop_table("packet_name_word")
    with op.batch_alter_table("appointment") as batch:
        batch.drop_index("ix_appointment_clinic_doctor")
