"""Keep a test's kind beside its name; mark the log's carried-forward daily answers

Revision ID: 0005_definitions
Revises: 0003_security
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op

revision = "0005_definitions"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("history_item") as batch:
        batch.add_column(sa.Column("test_kind", sa.String(length=30), nullable=True))
    with op.batch_alter_table("symptom_entry") as batch:
        batch.add_column(sa.Column("carried", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("symptom_entry") as batch:
        batch.drop_column("carried")
    with op.batch_alter_table("history_item") as batch:
        batch.drop_column("test_kind")
