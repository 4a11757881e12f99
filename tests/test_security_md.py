"""Every line of ../shared/SECURITY.md has its tests, and they exist.

PROOF maps each id to the tests that prove it (file::function). The test below fails when
SECURITY.md gains a line nobody mapped, or when a mapped test is renamed or removed. Tests
written for a line carry its id in their name (test_A1_..., test_S3_...).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
SECURITY_MD = ROOT.parent / "shared" / "SECURITY.md"

PROOF: dict[str, list[str]] = {
    "S1": ["tests/auth/test_login.py::test_S1_new_password_rules",
           "tests/auth/test_login.py::test_S1_the_breached_list_is_real_and_checked_offline",
           "tests/auth/test_login.py::test_128_char_emoji_password_logs_in"],
    "S2": ["tests/auth/test_login.py::test_S2_password_hashes_are_argon2id"],
    "S3": ["tests/auth/test_login.py::test_sixth_try_is_refused_even_when_right_and_others_are_unaffected",
           "tests/auth/test_throttle.py::test_S3_waits_grow_per_account",
           "tests/auth/test_throttle.py::test_S3_at_most_100_guesses_an_hour_per_account",
           "tests/auth/test_throttle.py::test_S3_a_correct_second_factor_clears_the_lock",
           "tests/auth/test_throttle.py::test_S3_an_admin_clears_the_lock",
           "tests/auth/test_throttle.py::test_S3_waits_per_address_leave_other_addresses_alone",
           "tests/auth/test_throttle_workers.py::test_throttle_holds_across_two_gunicorn_workers"],
    "S4": ["tests/auth/test_login.py::test_S4_verify_totp_accepts_a_code_once_and_the_neighbouring_step",
           "tests/admin/test_admin.py::test_admin_pages_never_show_a_totp_secret"],
    "S5": ["tests/auth/test_login.py::test_S5_fresh_database_has_no_users",
           "tests/test_cli.py::test_a_fresh_database_has_no_accounts"],
    "S6": ["tests/auth/test_login.py::test_session_id_changes_at_login",
           "tests/auth/test_login.py::test_S6_logout_ends_the_session_on_the_server_and_a_replayed_cookie_is_refused",
           "tests/auth/test_login.py::test_logout_is_post_only",
           "tests/auth/test_login.py::test_disabling_the_account_ends_its_session"],
    "S7": ["tests/auth/test_login.py::test_S7_idle_timeout",
           "tests/auth/test_login.py::test_S7_absolute_timeout_even_when_active"],
    "S8": ["tests/test_routes.py::test_S8_get_matrix", "tests/test_routes.py::test_S8_post_matrix",
           "tests/test_routes.py::test_S8_another_clinics_admin_gets_404_for_every_id"],
    "P1": ["tests/portal/test_entry.py::test_P1_start_makes_a_packet_and_shows_the_private_link_once",
           "tests/portal/test_entry.py::test_P1_unusable_links_get_a_plain_page_without_health_data"],
    "P2": ["tests/test_logs.py::test_tokens_dates_of_birth_and_answers_stay_out_of_the_server_logs",
           "tests/portal/test_entry.py::test_P2_invitation_trades_the_token_for_a_session_then_checks_the_birth_date"],
    "P3": ["tests/portal/test_entry.py::test_P3_five_wrong_birth_dates_lock_the_link_even_for_the_right_date"],
    "P4": ["tests/patient/test_rules.py::test_P4_another_packets_ids_are_not_found_and_nothing_changes"],
    "P5": ["tests/patient/test_rules.py::test_P5_after_submit_the_packet_is_read_only",
           "tests/patient/test_rules.py::test_submit_is_refused_with_a_list_of_what_is_missing"],
    "P6": ["tests/test_cookies.py::test_P6_patient_cookie_is_lax_and_staff_cookie_strict",
           "tests/test_cookies.py::test_P6_A10_production_cookies_are_secure_with_the_host_prefix"],
    "P7": ["tests/test_cookies.py::test_P7_a_cookie_copied_before_leave_opens_nothing",
           "tests/test_cookies.py::test_P7_patient_sessions_have_idle_and_absolute_limits"],
    "P8": ["tests/mail/test_patient_mail.py::test_P8_a_patient_asks_for_the_link_and_it_arrives_working",
           "tests/mail/test_patient_mail.py::test_P8_the_daily_reminder_keeps_the_hour_and_stops_after_one_click",
           "tests/mail/test_patient_mail.py::test_P8_the_mail_scan_finds_health_data_in_any_part"],
    "A1": ["tests/test_csrf.py::test_A1_every_post_route_refuses_plainly",
           "tests/test_csrf.py::test_A1_same_origin_expired_token_keeps_the_typed_words",
           "tests/test_csrf.py::test_A1_time_limit_is_the_patient_session",
           "tests/browser/test_csrf_attack.py::test_A1_cross_site_auto_post_promotes_nobody",
           "tests/browser/test_csrf_attack.py::test_A1_cross_site_auto_post_adds_nothing_to_a_patients_packet",
           "tests/test_routes.py::test_no_get_route_changes_anything"],
    "A2": ["tests/test_security_headers.py::test_A2_every_get_route_has_the_headers_and_no_inline_code",
           "tests/test_security_headers.py::test_A2_error_pages_have_the_headers"],
    "A3": ["tests/test_form_sweep.py::test_A3_every_form_takes_200_generated_inputs_without_a_5xx",
           "tests/test_form_sweep.py::test_A3_every_post_route_has_a_form_the_sweep_found",
           "tests/test_form_sweep.py::test_A3_a_reminder_hour_of_spaces_means_no_daily_reminder",
           "tests/test_form_sweep.py::test_A3_a_choice_of_spaces_is_no_answer"],
    "A4": ["tests/browser/test_patient_xss.py::test_A4_payloads_in_every_kind_of_answer_stay_text",
           "tests/browser/test_staff_xss.py::test_A4_the_corpus_in_every_free_text_field_never_runs_anywhere",
           "tests/summary/test_builder.py::test_user_text_is_escaped"],
    "A5": ["tests/reception/test_packet.py::test_A5_extra_fields_change_nothing"],
    "A6": ["tests/test_app.py::test_request_body_size_is_limited",
           "tests/test_rate_limits.py::test_a_flood_from_one_address_gets_429_but_health_does_not",
           "tests/test_hardening.py::test_A6_chunked_bodies_broken_is_400_over_the_limit_is_413",
           "tests/test_rate_limits.py::test_A6_limits_falling_back_to_each_worker_is_a_logged_warning"],
    "A7": ["tests/test_app.py::test_a_raising_view_shows_a_plain_500",
           "tests/test_app.py::test_production_refuses_a_weak_secret_key",
           "tests/test_hardening.py::test_A7_huge_ids_on_every_id_url_are_404"],
    "A8": ["tests/reception/test_packet.py::test_opening_a_packet_shows_the_summary_and_writes_one_audit_row",
           "tests/reception/test_invitations.py::test_tokens_and_passwords_never_reach_the_logs",
           "tests/auth/test_throttle.py::test_A8_an_unknown_account_email_is_not_kept",
           "tests/test_hardening.py::test_A8_no_query_string_reaches_the_access_log"],
    "A9": ["tests/test_proxy.py::test_A9_audit_rows_get_the_client_address_the_trusted_proxies_saw",
           "tests/test_proxy.py::test_A9_each_client_behind_the_proxy_has_its_own_limit",
           "tests/test_csrf.py::test_A1_https_post_works_without_a_referer",
           "tests/browser/test_https_proxy.py::test_A9_patient_and_staff_journeys_over_https_in_chromium",
           "tests/test_nginx.py::test_A9_25_clients_behind_the_proxy_are_limited_one_by_one"],
    "A10": ["tests/test_cookies.py::test_A10_patient_journey_cookies_carry_ids_only",
            "tests/test_cookies.py::test_A10_staff_journey_cookies_carry_ids_only",
            "tests/test_cookies.py::test_P6_A10_production_cookies_are_secure_with_the_host_prefix"],
    "A11": ["tests/test_hardening.py::test_A11_a_forged_host_header_changes_no_link",
            "tests/test_hardening.py::test_A11_production_refuses_to_start_without_an_https_public_base_url"],
    "R1": ["tests/browser/test_patient_flow.py::test_R1_resume_after_closing_the_browser_restores_what_was_saved"],
    "R2": ["tests/patient/test_rules.py::test_R2_twenty_concurrent_submits_give_one_submission_and_no_errors",
           "tests/patient/test_rules.py::test_R2_a_request_holds_one_database_connection_at_a_time"],
    "R3": ["tests/patient/test_rules.py::test_R3_two_tabs_on_the_same_step_the_later_save_gets_a_conflict"],
    "R4": ["tests/patient/test_database_failure.py::test_R4_a_failed_save_shows_try_again_with_the_typed_input"],
    "R5": ["tests/test_migrations.py::test_R5_sqlite_upgrades_to_head_matching_the_models",
           "tests/test_migrations.py::test_R5_postgres_upgrades_to_head_matching_the_models"],
    "R6": ["tests/test_app.py::test_R6_sqlite_runs_durable_and_checks_foreign_keys",
           "tests/test_app.py::test_R6_an_idle_pooled_connection_that_died_is_replaced_not_an_error"],
    "R7": ["tests/test_database_down.py::test_R7_patient_database_stopped_mid_journey",
           "tests/test_database_down.py::test_R7_staff_database_stopped_mid_journey"],
    "R8": ["tests/reception/test_safety_calls.py::test_R8_a_draft_never_sent_with_an_emergency_yes_is_first_on_reception_landing"],
    "R9": ["tests/mail/test_faults.py::test_R9_mail_server_down_then_up_sends_each_due_message_exactly_once",
           "tests/mail/test_faults.py::test_R9_a_worker_killed_mid_batch_loses_and_doubles_nothing"],
    "R10": ["tests/patient/test_field_coverage.py::test_R10_every_answer_reaches_every_output_its_definition_names",
            "tests/patient/test_field_coverage.py::test_R10_every_form_field_has_a_definition_and_every_definition_a_field",
            "tests/reception/test_packet.py::test_R10_a_note_over_the_limit_is_refused_with_a_word_and_kept_whole"],
}


def security_ids() -> list[str]:
    if not SECURITY_MD.exists():
        if IN_CI:
            pytest.fail(f"CI must have {SECURITY_MD}")
        pytest.skip(f"no {SECURITY_MD} here")
    return re.findall(r"^\| ([SPAR]\d+) \|", SECURITY_MD.read_text(), re.MULTILINE)


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_line_of_security_md_has_tests_that_exist():
    ids = security_ids()
    assert len(ids) >= 30
    assert set(ids) <= set(PROOF), f"map these lines in PROOF: {set(ids) - set(PROOF)}"
    for line_id in ids:
        tests = PROOF[line_id]
        assert tests, f"{line_id} has no test"
        for node in tests:
            file, name = node.split("::")
            assert name in _functions(ROOT / file), f"{line_id}: {node} does not exist"
        # At least one carries the id in its name, so a failure says which line broke.
        assert any(f"test_{line_id}_" in node or f"_{line_id}_" in node.split("::")[1]
                   for node in tests), f"{line_id}: no test named test_{line_id}_..."

