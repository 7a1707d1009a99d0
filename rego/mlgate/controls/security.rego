# METADATA
# title: Software supply-chain security
# description: >-
#   The model's dependencies and image were scanned recently, and the known
#   vulnerabilities stay within the tier's allowance per severity. Without a
#   scan an empty vulnerability list proves nothing.
package mlgate.controls.security

import data.mlgate.lib.clock
import data.mlgate.lib.tier

_th := t if {
	t := tier.thresholds.security
	is_object(t)
} else := {}

_scans := s if {
	s := input.security.scans
	is_array(s)
} else := []

default _vulnerabilities_listed := false

_vulnerabilities_listed if is_array(input.security.vulnerabilities)

_vulnerabilities := v if {
	v := input.security.vulnerabilities
	is_array(v)
} else := []

_severities := {v.severity | some v in _vulnerabilities; is_object(v); is_string(v.severity)}

# {severity: indexes} of the reported vulnerabilities (computed once, not per vulnerability).
_by_severity[severity] := {i | some i, v in _vulnerabilities; is_object(v); v.severity == severity} if {
	some severity in _severities
}

# Every vulnerability of a severity whose number exceeds the tier's maximum.
_excess contains {"index": i, "severity": severity, "maximum": maximum, "found": count(found)} if {
	limits := _th.max_vulnerabilities
	is_object(limits)
	some severity, maximum in limits
	is_number(maximum)
	found := _by_severity[severity]
	count(found) > maximum
	some i in found
}

_vulnerability_message(x) := sprintf(
	"%v in %v is %v severity; at most %v allowed at the %s tier, %v found",
	[v.id, v.package, x.severity, x.maximum, tier.name, x.found],
) if {
	v := _vulnerabilities[x.index]
}

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
	not _vulnerabilities_listed
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
	some x in _excess
	x.severity == "critical"
	v := {
		"control": "MLG-SEC-002",
		"rule": "critical_vulnerabilities_above_maximum",
		"severity": "critical",
		"message": _vulnerability_message(x),
		"expected": {"severity": "critical", "max_vulnerabilities": x.maximum},
		"actual": _vulnerabilities[x.index].id,
		"evidence": sprintf("/security/vulnerabilities/%d", [x.index]),
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
	some x in _excess
	x.severity == "high"
	v := {
		"control": "MLG-SEC-003",
		"rule": "high_vulnerabilities_above_maximum",
		"severity": "high",
		"message": _vulnerability_message(x),
		"expected": {"severity": "high", "max_vulnerabilities": x.maximum},
		"actual": _vulnerabilities[x.index].id,
		"evidence": sprintf("/security/vulnerabilities/%d", [x.index]),
	}
}

# Ages (ns before the evaluation time) of the scans with a valid completion time.
_scan_ages := {age | some s in _scans; is_object(s); age := clock.age_ns(s.completed_at)}

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
		"message": "no scan reports a valid completed_at; the scan's age cannot be checked",
	}
}
