# METADATA
# title: Software supply-chain security
# description: >-
#   The model's dependencies and image were scanned recently, and the known
#   vulnerabilities stay within the tier's allowance per severity. Without a
#   scan an empty vulnerability list proves nothing.
package mlgate.controls.security

import data.mlgate.lib.clock
import data.mlgate.lib.tier

# Read with field references only, so no object guard is needed: an absent or
# malformed entry leaves every _th.<field> undefined.
_th := tier.thresholds.security

_scans := s if {
	s := input.security.scans
	is_array(s)
} else := []

# The vulnerabilities list; undefined when the facts carry none (an empty list
# is a clean scan: `_vulnerabilities` then holds, `not _vulnerabilities` does not).
_vulnerabilities := v if {
	v := input.security.vulnerabilities
	is_array(v)
}

# The severities whose number of vulnerabilities exceeds the tier's maximum:
# {severity: {"maximum": n, "found": [index, ...]}}. One pass over the
# vulnerabilities per severity the tier limits (critical, high), not per
# severity reported.
_over_limit[severity] := {"maximum": maximum, "found": found} if {
	limits := _th.max_vulnerabilities
	is_object(limits)
	some severity, maximum in limits
	is_number(maximum)
	found := [i | some i, v in _vulnerabilities; v.severity == severity]
	count(found) > maximum
}

_vulnerability_message(v, severity, over) := sprintf(
	"%v in %v is %v severity; at most %v allowed at the %s tier, %v found",
	[v.id, v.package, severity, over.maximum, tier.name, count(over.found)],
)

# METADATA
# title: Vulnerability scan performed
# description: >-
#   At least one vulnerability scan ran (security.scans) and reported its
#   findings (security.vulnerabilities, [] when clean).
# custom:
#   control_id: MLG-SEC-001
#   severity: high
#   requires: [/security/scans, /security/vulnerabilities, /subject/risk_tier]
#   thresholds: [security.scan_required]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.7, MAP 4.1]
#     eu_ai_act: [Art. 15]
missing_evidence contains m if {
	_th.scan_required == true
	count(_scans) == 0
	m := {
		"control": "MLG-SEC-001",
		"path": "/security/scans",
		"message": sprintf("no vulnerability scan reported; required at the %s tier", [tier.name]),
	}
}

# METADATA
# title: Vulnerability scan performed
# description: Scans ran but the facts carry no vulnerabilities array ([] when clean).
# custom:
#   control_id: MLG-SEC-001
#   severity: high
#   requires: [/security/vulnerabilities, /subject/risk_tier]
missing_evidence contains m if {
	_th.scan_required == true
	count(_scans) > 0
	not _vulnerabilities
	m := {
		"control": "MLG-SEC-001",
		"path": "/security/vulnerabilities",
		"message": "the scan results list no vulnerabilities array (use [] for a clean scan)",
	}
}

# METADATA
# title: No critical vulnerabilities
# description: >-
#   The number of critical vulnerabilities is at most
#   thresholds[tier].security.max_vulnerabilities.critical (0 in the shipped
#   data); when exceeded, each one is a violation.
# custom:
#   control_id: MLG-SEC-002
#   severity: critical
#   requires: [/security/vulnerabilities, /subject/risk_tier]
#   thresholds: [security.max_vulnerabilities.critical]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.7]
#     eu_ai_act: [Art. 15]
violation contains v if {
	over := _over_limit.critical
	some i in over.found
	vuln := _vulnerabilities[i]
	v := {
		"control": "MLG-SEC-002",
		"rule": "critical_vulnerabilities_above_maximum",
		"severity": "critical",
		"message": _vulnerability_message(vuln, "critical", over),
		"expected": {"severity": "critical", "max_vulnerabilities": over.maximum},
		"actual": vuln.id,
		"evidence": sprintf("/security/vulnerabilities/%d", [i]),
	}
}

# METADATA
# title: No critical vulnerabilities
# description: >-
#   A vulnerability of unknown severity (pip-audit reports none) may be
#   critical: until its severity is given, it is missing evidence.
# custom:
#   control_id: MLG-SEC-002
#   severity: critical
#   requires: [/security/vulnerabilities, /subject/risk_tier]
missing_evidence contains m if {
	is_number(_th.max_vulnerabilities.critical)
	some i, vuln in _vulnerabilities
	vuln.severity == "unknown"
	m := {
		"control": "MLG-SEC-002",
		"path": sprintf("/security/vulnerabilities/%d/severity", [i]),
		"message": sprintf("%v in %v has an unknown severity: it may be critical; give its severity (osv-scanner or CycloneDX reports carry it)", [vuln.id, vuln.package]),
	}
}

# METADATA
# title: High vulnerabilities within tier allowance
# description: >-
#   The number of high-severity vulnerabilities is at most
#   thresholds[tier].security.max_vulnerabilities.high; when exceeded, each
#   one is a violation.
# custom:
#   control_id: MLG-SEC-003
#   severity: high
#   requires: [/security/vulnerabilities, /subject/risk_tier]
#   thresholds: [security.max_vulnerabilities.high]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.7]
#     eu_ai_act: [Art. 15]
violation contains v if {
	over := _over_limit.high
	some i in over.found
	vuln := _vulnerabilities[i]
	v := {
		"control": "MLG-SEC-003",
		"rule": "high_vulnerabilities_above_maximum",
		"severity": "high",
		"message": _vulnerability_message(vuln, "high", over),
		"expected": {"severity": "high", "max_vulnerabilities": over.maximum},
		"actual": vuln.id,
		"evidence": sprintf("/security/vulnerabilities/%d", [i]),
	}
}

# Ages (ns before the evaluation time) of the scans with a valid completion time at or
# before the evaluation time: a scan dated later is no evidence of a recent scan.
_scan_ages := {age |
	some s in _scans
	is_object(s)
	age := clock.age_ns(s.completed_at)
	age >= 0
}

# METADATA
# title: Vulnerability scan is recent
# description: >-
#   The most recent scan completed at most
#   thresholds[tier].security.max_scan_age_days before the evaluation time.
# custom:
#   control_id: MLG-SEC-004
#   severity: medium
#   requires: [/security/scans, /context/evaluated_at, /subject/risk_tier]
#   thresholds: [security.max_scan_age_days]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.7]
#     eu_ai_act: [Art. 15]
violation contains v if {
	days := _th.max_scan_age_days
	max_age := clock.days_ns(days)
	count(_scan_ages) > 0
	newest := min(_scan_ages)
	newest > max_age
	v := {
		"control": "MLG-SEC-004",
		"rule": "scan_too_old",
		"severity": "medium",
		"message": sprintf("the most recent vulnerability scan is older than %v days (the %s-tier maximum)", [days, tier.name]),
		"expected": {"max_scan_age_days": days},
		"actual": {"newest_scan_age_days": floor(newest / clock.days_ns(1))},
		"evidence": "/security/scans",
	}
}

# METADATA
# title: Vulnerability scan is recent
# description: Scans are reported but none carries a valid completion time.
# custom:
#   control_id: MLG-SEC-004
#   severity: medium
#   requires: [/security/scans, /context/evaluated_at, /subject/risk_tier]
missing_evidence contains m if {
	is_number(_th.max_scan_age_days)
	count(_scans) > 0
	count(_scan_ages) == 0
	m := {
		"control": "MLG-SEC-004",
		"path": "/security/scans",
		"message": "no scan reports a valid completed_at at or before the evaluation time; the scan's age cannot be checked",
	}
}
