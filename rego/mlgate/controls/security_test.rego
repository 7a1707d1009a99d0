package mlgate.controls.security_test

import data.mlgate.controls.security

_thresholds := {"high": {"security": {
	"scan_required": true,
	"max_vulnerabilities": {"critical": 0, "high": 1},
	"max_scan_age_days": 14,
}}}

_scan := {"tool": "pip-audit", "completed_at": "2025-06-01T08:00:00Z"}

_facts(sec) := {
	"subject": {"name": "m", "version": "1", "risk_tier": "high"},
	"security": sec,
	"context": {"evaluated_at": "2025-06-02T12:00:00Z"},
}

_violations(inp) := vs if {
	vs := security.violation with input as inp with data.mlgate.thresholds as _thresholds
}

_missing(inp) := ms if {
	ms := security.missing_evidence with input as inp with data.mlgate.thresholds as _thresholds
}

_vuln(id, severity) := {"id": id, "severity": severity, "package": "pkg"}

test_recent_scan_with_no_vulnerabilities_passes if {
	inp := _facts({"scans": [_scan], "vulnerabilities": []})
	count(_violations(inp)) == 0
	count(_missing(inp)) == 0
}

test_empty_vulnerability_list_without_scan_is_missing_evidence if {
	ms := _missing(_facts({"vulnerabilities": []}))
	{[m.control, m.path] | some m in ms} == {["MLG-SEC-001", "/security/scans"]}
}

test_scan_without_vulnerability_list_is_missing_evidence if {
	ms := _missing(_facts({"scans": [_scan]}))
	{[m.control, m.path] | some m in ms} == {["MLG-SEC-001", "/security/vulnerabilities"]}
}

test_critical_vulnerability_is_violation_pointing_at_it if {
	vs := _violations(_facts({"scans": [_scan], "vulnerabilities": [_vuln("GHSA-1", "low"), _vuln("GHSA-2", "critical")]}))
	{[v.control, v.severity, v.evidence] | some v in vs} == {["MLG-SEC-002", "critical", "/security/vulnerabilities/1"]}
}

test_critical_vulnerability_blocks_even_without_scan if {
	vs := _violations(_facts({"vulnerabilities": [_vuln("GHSA-2", "critical")]}))
	{v.control | some v in vs} == {"MLG-SEC-002"}
}

test_high_vulnerabilities_within_allowance_pass if {
	count(_violations(_facts({"scans": [_scan], "vulnerabilities": [_vuln("GHSA-3", "high")]}))) == 0
}

test_high_vulnerabilities_above_allowance_each_violate if {
	inp := _facts({"scans": [_scan], "vulnerabilities": [_vuln("GHSA-3", "high"), _vuln("GHSA-4", "high")]})
	{[v.control, v.evidence] | some v in _violations(inp)} == {
		["MLG-SEC-003", "/security/vulnerabilities/0"],
		["MLG-SEC-003", "/security/vulnerabilities/1"],
	}
}

test_stale_scan_is_violation if {
	old := {"tool": "pip-audit", "completed_at": "2025-05-01T08:00:00Z"}
	vs := _violations(_facts({"scans": [old], "vulnerabilities": []}))
	{[v.control, v.actual.newest_scan_age_days] | some v in vs} == {["MLG-SEC-004", 32]}
}

test_scan_exactly_at_maximum_age_passes if {
	edge := {"tool": "pip-audit", "completed_at": "2025-05-19T12:00:00Z"}
	count(_violations(_facts({"scans": [edge], "vulnerabilities": []}))) == 0
}

test_newest_scan_decides_freshness if {
	old := {"tool": "trivy", "completed_at": "2025-01-01T00:00:00Z"}
	count(_violations(_facts({"scans": [old, _scan], "vulnerabilities": []}))) == 0
}

test_scan_without_completion_time_is_missing_evidence_for_freshness if {
	ms := _missing(_facts({"scans": [{"tool": "pip-audit"}], "vulnerabilities": []}))
	{[m.control, m.path] | some m in ms} == {["MLG-SEC-004", "/security/scans"]}
}

test_malformed_completion_time_raises_no_error if {
	bad := {"tool": "pip-audit", "completed_at": "2025-02-30T00:00:00Z"}
	ms := _missing(_facts({"scans": [bad], "vulnerabilities": []}))
	{m.control | some m in ms} == {"MLG-SEC-004"}
}

test_violation_message_names_the_vulnerability_and_the_count_found if {
	inp := _facts({"scans": [_scan], "vulnerabilities": [_vuln("GHSA-5", "critical"), _vuln("GHSA-6", "high"), _vuln("GHSA-7", "high")]})
	{v.message | some v in _violations(inp)} == {
		"GHSA-5 in pkg is critical severity; at most 0 allowed at the high tier, 1 found",
		"GHSA-6 in pkg is high severity; at most 1 allowed at the high tier, 2 found",
		"GHSA-7 in pkg is high severity; at most 1 allowed at the high tier, 2 found",
	}
}

test_unknown_severity_is_missing_evidence_not_a_pass if {
	inp := _facts({"scans": [_scan], "vulnerabilities": [_vuln("PYSEC-1", "unknown"), _vuln("GHSA-5", "low")]})
	count(_violations(inp)) == 0
	{[m.control, m.path] | some m in _missing(inp)} == {["MLG-SEC-002", "/security/vulnerabilities/0/severity"]}
}

test_a_scan_dated_after_the_evaluation_does_not_count_as_recent if {
	future := {"tool": "osv-scanner", "completed_at": "2025-07-01T00:00:00Z"}
	stale := {"tool": "pip-audit", "completed_at": "2025-01-01T00:00:00Z"}
	vs := _violations(_facts({"scans": [future, stale], "vulnerabilities": []}))
	{v.control | some v in vs} == {"MLG-SEC-004"}
	ms := _missing(_facts({"scans": [future], "vulnerabilities": []}))
	{[m.control, m.path] | some m in ms} == {["MLG-SEC-004", "/security/scans"]}
}
