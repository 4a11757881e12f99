"""The `flask --app app ...` command line: clinics, staff accounts, the demo clinic."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from extensions import db
from models import ROLES

clinic_cli = AppGroup("clinic", help="Create clinics.")
staff_cli = AppGroup("staff", help="Create staff accounts.")
demo_cli = AppGroup("demo", help="The demo clinic.")
retention_cli = AppGroup("retention", help="Delete packets past each clinic's retention.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:{}".format(
        current_app.config.get("PORT", 5000)
    )


@clinic_cli.command("create")
@click.option("--slug", required=True, help="The start link's name: /c/SLUG.")
@click.option("--name", required=True, help="The clinic's name as patients see it.")
@click.option("--phone", default=None, help="The phone number shown to patients.")
@click.option("--open-start/--invitation-only", default=False, show_default=True,
              help="Whether patients may start without an invitation.")
def clinic_create(slug: str, name: str, phone: str | None, open_start: bool) -> None:
    """Create a clinic with its own copy of the built-in question bank."""
    from services.clinics import ClinicError, create_clinic

    try:
        clinic = create_clinic(slug.strip(), name, phone=phone, open_start=open_start)
    except ClinicError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(f"Created clinic {clinic.name!r}. Start link: {base_url()}/c/{clinic.slug}")


@staff_cli.command("create")
@click.option("--clinic", "clinic_slug", required=True, help="The clinic's slug.")
@click.option("--email", required=True, help="The login email.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="reception or admin.")
@click.option("--name", default="", help="The person's name.")
def staff_create(clinic_slug: str, email: str, role: str, name: str) -> None:
    """Create a staff account and print its one-time password."""
    from services.audit import record
    from services.clinics import ClinicError, create_staff, get_clinic

    try:
        clinic = get_clinic(clinic_slug)
        user, password = create_staff(clinic, email, role, name)
        db.session.flush()
    except ClinicError as exc:
        _fail(str(exc))
    record("staff.create", actor_type="system", actor_label="cli", clinic_id=clinic.id,
           object_type="staff_user", object_id=user.id, detail={"role": role})
    db.session.commit()
    click.echo(f"Created {role} account {user.email} for {clinic.name}.")
    click.echo(f"One-time password (shown once; it must be changed at first login): {password}")
    click.echo(f"Log in at {base_url()}/reception/login")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo clinic with sample packets; reset the demo logins (safe to repeat)."""
    from services.demo import seed_demo

    result = seed_demo(current_app.config["LINK_LIFETIME_DAYS"])
    url = base_url()
    click.echo(("Created" if result.created else "Found") + f" the demo clinic {result.clinic.name!r}.")
    click.echo(f"  Patient start link:   {url}/c/{result.clinic.slug}")
    click.echo(f"  Invitation link:      {url}/v/{result.invitation_token}")
    click.echo(f"    (date of birth {result.invitation_dob:%m/%d/%Y})")
    click.echo(f"  Staff login:          {url}/reception/login")
    for email, role, password in result.accounts:
        click.echo(f"    {role:<10} {email}  password: {password}")
    click.echo("  (Demo passwords and the invitation link are new each time this runs.)")


@retention_cli.command("purge")
def retention_purge() -> None:
    """Delete packets and appointments older than each clinic keeps them; say how many."""
    from services.retention import LOGIN_RECORDS_DAYS, purge, purge_login_records

    results = purge()
    old = purge_login_records()
    click.echo(f"Deleted {old} staff session and login attempt record(s) older than "
               f"{LOGIN_RECORDS_DAYS} days.")
    if not results:
        click.echo("No clinics.")
    for result in results:
        click.echo(
            f"{result.clinic.slug}: deleted {result.packets} packet(s) and "
            f"{result.appointments} appointment(s) older than "
            f"{result.clinic.retention_days} days after the visit."
        )


def register(app: Flask) -> None:
    for group in (clinic_cli, staff_cli, demo_cli, retention_cli):
        app.cli.add_command(group)
