"""Languages: the packet's, each staff member's, the clinic's default; the bank in Spanish

Revision ID: 0007_languages
Revises: 0002_safety_calls
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


revision = "0007_languages"
down_revision = "0002_safety_calls"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clinic") as batch:
        batch.add_column(sa.Column("default_language", sa.String(length=8), nullable=False,
                                   server_default="en"))
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                   server_default="en"))
    with op.batch_alter_table("packet") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("clinic_topic") as batch:
        batch.add_column(sa.Column("title_es", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("blurb_es", sa.String(length=300), nullable=True))
    with op.batch_alter_table("clinic_question") as batch:
        batch.add_column(sa.Column("text_es", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("clinic_question") as batch:
        batch.drop_column("text_es")
    with op.batch_alter_table("clinic_topic") as batch:
        batch.drop_column("blurb_es")
        batch.drop_column("title_es")
    with op.batch_alter_table("packet") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("clinic") as batch:
        batch.drop_column("default_language")
