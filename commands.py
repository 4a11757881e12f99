"""The `flask --app app ...` command line: clinics, staff accounts, the demo clinic."""

from __future__ import annotations

import functools

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from extensions import db
from models import ROLES

clinic_cli = AppGroup("clinic", help="Create clinics.")
staff_cli = AppGroup("staff", help="Create staff accounts.")
demo_cli = AppGroup("demo", help="The demo clinic.")
retention_cli = AppGroup("retention", help="Delete packets past each clinic's retention.")
mail_cli = AppGroup("mail", help="The outbox: the sending worker, and one round of it by hand.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def in_cli_language(command):
    """Run a command with its messages in the environment's language (services.i18n)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from services.i18n import cli_language, in_language

        with in_language(cli_language()):
            return command(*args, **kwargs)

    return wrapper


def base_url() -> str:
    from services.invitations import public_base_url

    return public_base_url()


@clinic_cli.command("create")
@click.option("--slug", required=True, help="The start link's name: /c/SLUG.")
@click.option("--name", required=True, help="The clinic's name as patients see it.")
@click.option("--phone", default=None, help="The phone number shown to patients.")
@click.option("--open-start/--invitation-only", default=False, show_default=True,
              help="Whether patients may start without an invitation.")
@in_cli_language
def clinic_create(slug: str, name: str, phone: str | None, open_start: bool) -> None:
    """Create a clinic with its own copy of the built-in question bank."""
    from services.clinics import ClinicError, create_clinic

    try:
        clinic = create_clinic(slug.strip(), name, phone=phone, open_start=open_start)
    except ClinicError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(_("Created clinic %(name)s. Start link: %(url)s",
                 name=repr(clinic.name), url=base_url() + "/c/" + clinic.slug))


@staff_cli.command("create")
@click.option("--clinic", "clinic_slug", required=True, help="The clinic's slug.")
@click.option("--email", required=True, help="The login email.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="reception or admin.")
@click.option("--name", default="", help="The person's name.")
@in_cli_language
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
    click.echo(_("Created %(role)s account %(email)s for %(clinic)s.",
                 role=role, email=user.email, clinic=clinic.name))
    click.echo(_("One-time password (shown once; it must be changed at first login): "
                 "%(password)s", password=password))
    click.echo(_("Log in at %(url)s", url=base_url() + "/reception/login"))


@demo_cli.command("seed")
@in_cli_language
def demo_seed() -> None:
    """Create the demo clinic with sample packets; reset the demo logins (safe to repeat)."""
    from services.demo import seed_demo

    result = seed_demo(current_app.config["LINK_LIFETIME_DAYS"])
    url = base_url()
    name = repr(result.clinic.name)
    click.echo(_("Created the demo clinic %(name)s.", name=name) if result.created
               else _("Found the demo clinic %(name)s.", name=name))
    click.echo("  " + _("Patient start link: %(url)s", url=url + "/c/" + result.clinic.slug))
    click.echo("  " + _("Invitation link: %(url)s", url=url + "/v/" + result.invitation_token))
    click.echo("    " + _("(date of birth %(date)s)", date=result.invitation_dob.strftime("%m/%d/%Y")))
    click.echo("  " + _("Staff login: %(url)s", url=url + "/reception/login"))
    for email, role, password in result.accounts:
        click.echo("    " + _("%(role)s %(email)s  password: %(password)s",
                               role=role.ljust(10), email=email, password=password))
    click.echo("  " + _("(Demo passwords and the invitation link are new each time this runs.)"))


@retention_cli.command("purge")
@in_cli_language
def retention_purge() -> None:
    """Delete patients whose last visit is older than each clinic keeps them; say how many."""
    from services.retention import LOGIN_RECORDS_DAYS, purge, purge_login_records
    from services.web_session import end_expired

    results = purge()
    old = purge_login_records()
    click.echo(_("Deleted %(n)d browser session(s) past their time limits.", n=end_expired()))
    click.echo(_("Deleted %(n)d staff session and login attempt record(s) older than "
                 "%(days)d days.", n=old, days=LOGIN_RECORDS_DAYS))
    if not results:
        click.echo(_("No clinics."))
    for result in results:
        click.echo(_(
            "%(clinic)s: deleted %(patients)d patient(s) with %(packets)d packet(s) and "
            "%(appointments)d appointment(s), %(days)d days or more after their last visit.",
            clinic=result.clinic.slug, patients=result.patients, packets=result.packets,
            appointments=result.appointments, days=result.clinic.retention_days,
        ))


@mail_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Sending threads.")
def mail_worker(workers: int) -> None:
    """Run the sending worker on the Redis job queue (REDIS_URL); stops on Ctrl+C."""
    from services import jobs

    if not current_app.config.get("REDIS_URL"):
        _fail("Set REDIS_URL: without it, `flask run` sends mail from a thread of the app.")
    jobs.worker(current_app._get_current_object(), workers=workers)


@mail_cli.command("tick")
def mail_tick() -> None:
    """Plan due reminders and digests and send everything due, once; say what happened."""
    from services.jobs import run_tick

    counts = run_tick()
    click.echo(", ".join(f"{key}: {value}" for key, value in sorted(counts.items())))


def register(app: Flask) -> None:
    for group in (clinic_cli, staff_cli, demo_cli, retention_cli, mail_cli):
        app.cli.add_command(group)
