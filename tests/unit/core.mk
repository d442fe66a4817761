# Unit tests of the core's config, gating, matching, revocation, replay, session records,
# audit lines, and the lead's basics (reasons, lists, wiping, sanitising, trusted files).
# One binary per area, each sharing a small fixture (temporary trees, CUnit runner).
check_LTLIBRARIES += tests/unit/libcorefixture.la
tests_unit_libcorefixture_la_SOURCES = tests/unit/core_fixture.h tests/unit/core_fixture.c
tests_unit_libcorefixture_la_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_unit_libcorefixture_la_LIBADD = $(CUNIT_LIBS)

CORE_TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
CORE_TEST_LDADD = tests/unit/libcorefixture.la shared/libcgcore.la $(CUNIT_LIBS) \
	$(JANSSON_LIBS) $(CRYPTO_LIBS)

core_unit_tests = \
	tests/unit/test_basics \
	tests/unit/test_config \
	tests/unit/test_gate \
	tests/unit/test_match \
	tests/unit/test_runas_group \
	tests/unit/test_command_paths \
	tests/unit/test_revocation \
	tests/unit/test_ids \
	tests/unit/test_replay \
	tests/unit/test_login_record \
	tests/unit/test_lease \
	tests/unit/test_sudo_lease \
	tests/unit/test_run_dir \
	tests/unit/test_reaper_os \
	tests/unit/test_reaper_logind \
	tests/unit/test_state_owner \
	tests/unit/test_audit \
	tests/unit/test_ssh
check_PROGRAMS += $(core_unit_tests)
TESTS += $(core_unit_tests)

tests_unit_test_basics_SOURCES = tests/unit/test_basics.c
tests_unit_test_basics_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_basics_LDADD = $(CORE_TEST_LDADD)
# the reaper's /proc, signal and terminal code from tools/, on real processes (root)
tests_unit_test_reaper_os_SOURCES = tests/unit/test_reaper_os.c tools/reaper.h \
	tools/reaper_proc.c tools/reaper_signal.c tools/reaper_tty.c
tests_unit_test_reaper_os_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
tests_unit_test_reaper_os_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_reaper_os_LDADD = $(CORE_TEST_LDADD)
# the pure half of asking systemd-logind (tools/reaper_logind_rules.c): no bus needed
tests_unit_test_reaper_logind_SOURCES = tests/unit/test_reaper_logind.c tools/reaper.h \
	tools/reaper_logind_rules.c
tests_unit_test_reaper_logind_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
tests_unit_test_reaper_logind_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_reaper_logind_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_sudo_lease_SOURCES = tests/unit/test_sudo_lease.c
tests_unit_test_sudo_lease_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_sudo_lease_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_run_dir_SOURCES = tests/unit/test_run_dir.c
tests_unit_test_run_dir_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_run_dir_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_lease_SOURCES = tests/unit/test_lease.c
tests_unit_test_lease_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_lease_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_config_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_gate_SOURCES = tests/unit/test_gate.c tests/common/fake_nss.h \
	tests/common/fake_nss.c
tests_unit_test_gate_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common
tests_unit_test_gate_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_gate_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_ssh_SOURCES = tests/unit/test_ssh.c
tests_unit_test_ssh_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_ssh_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_match_SOURCES = tests/unit/test_match.c
tests_unit_test_match_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_match_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_runas_group_SOURCES = tests/unit/test_runas_group.c
tests_unit_test_runas_group_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_runas_group_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_command_paths_SOURCES = tests/unit/test_command_paths.c
tests_unit_test_command_paths_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_command_paths_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_revocation_SOURCES = tests/unit/test_revocation.c
tests_unit_test_revocation_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_revocation_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_ids_SOURCES = tests/unit/test_ids.c
tests_unit_test_ids_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_ids_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_replay_SOURCES = tests/unit/test_replay.c
tests_unit_test_replay_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_replay_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_login_record_SOURCES = tests/unit/test_login_record.c
tests_unit_test_login_record_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_login_record_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_state_owner_SOURCES = tests/unit/test_state_owner.c
tests_unit_test_state_owner_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_state_owner_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c
tests_unit_test_audit_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_audit_LDADD = $(CORE_TEST_LDADD)
