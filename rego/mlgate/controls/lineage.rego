# METADATA
# title: Data lineage and data quality
# description: >-
#   The datasets behind the model are declared with their roles and digests,
#   train/test leakage was checked, and data-quality checks passed.
package mlgate.controls.lineage

import data.mlgate.lib.facts
import data.mlgate.lib.tier

# Read with field references only (required_dataset_roles is guarded below).
_th := tier.thresholds.lineage

# The declared datasets; undefined when the facts carry no datasets list (an
# empty list is still a list: `_datasets` then holds, `not _datasets` does not).
_datasets := d if {
	d := input.lineage.datasets
	is_array(d)
}

_roles := {d.role | some d in _datasets}

_required_roles := r if {
	r := _th.required_dataset_roles
	is_array(r)
}

# METADATA
# title: Required dataset roles declared
# description: >-
#   The lineage declares a dataset for every role in
#   thresholds[tier].lineage.required_dataset_roles (e.g. train, validation,
#   test).
# custom:
#   control_id: MLG-LIN-001
#   severity: medium
#   requires: [/lineage/datasets, /subject/risk_tier]
#   thresholds: [lineage.required_dataset_roles]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.1]
#     eu_ai_act: [Art. 10]
#     iso_42001: [A.7.2, A.7.5]
violation contains v if {
	_datasets
	some role in _required_roles
	not role in _roles
	v := {
		"control": "MLG-LIN-001",
		"rule": "dataset_role_missing",
		"severity": "medium",
		"message": sprintf("no %v dataset declared; required at the %s tier", [role, tier.name]),
		"expected": {"roles": _required_roles},
		"actual": {"roles": sort(_roles)},
		"evidence": "/lineage/datasets",
	}
}

# METADATA
# title: Required dataset roles declared
# description: The tier requires declared datasets and the facts list none.
# custom:
#   control_id: MLG-LIN-001
#   severity: medium
#   requires: [/lineage/datasets, /subject/risk_tier]
missing_evidence contains m if {
	count(_required_roles) > 0
	not _datasets
	m := {
		"control": "MLG-LIN-001",
		"path": "/lineage/datasets",
		"message": sprintf("no datasets declared; %v required at the %s tier", [_required_roles, tier.name]),
	}
}

# METADATA
# title: Datasets pinned by digest
# description: >-
#   Where thresholds[tier].lineage.require_dataset_digest, every declared
#   dataset carries a content digest, so the exact data can be traced.
# custom:
#   control_id: MLG-LIN-002
#   severity: medium
#   requires: [/lineage/datasets, /subject/risk_tier]
#   thresholds: [lineage.require_dataset_digest]
#   frameworks:
#     eu_ai_act: [Art. 10]
#     iso_42001: [A.7.5]
violation contains v if {
	_th.require_dataset_digest == true
	some i, d in _datasets
	is_object(d)
	not facts.has_text(d, "digest")
	v := {
		"control": "MLG-LIN-002",
		"rule": "dataset_digest_missing",
		"severity": "medium",
		"message": sprintf("dataset %v (%v) has no digest; required at the %s tier", [d.name, d.role, tier.name]),
		"expected": {"digest": "present"},
		"actual": {"digest": null},
		"evidence": sprintf("/lineage/datasets/%d", [i]),
	}
}

# The reported checks of each kind ([] when none).
_leakage_checks := c if {
	c := input.lineage.leakage_checks
	is_array(c)
} else := []

_quality_checks := c if {
	c := input.lineage.data_quality
	is_array(c)
} else := []

# METADATA
# title: No train/test leakage
# description: >-
#   Every leakage check reported passed (a failed check blocks at every
#   tier); where thresholds[tier].lineage.leakage_check_required, at least
#   one check ran.
# custom:
#   control_id: MLG-LIN-003
#   severity: high
#   requires: [/lineage/leakage_checks]
#   thresholds: [lineage.leakage_check_required]
#   frameworks:
#     nist_ai_rmf: [MEASURE 2.5]
#     eu_ai_act: [Art. 10]
#     iso_42001: [A.7.4]
violation contains v if {
	some i, c in _leakage_checks
	c.passed == false
	v := {
		"control": "MLG-LIN-003",
		"rule": "leakage_check_failed",
		"severity": "high",
		"message": sprintf("leakage check %v failed", [c.name]),
		"expected": {"passed": true},
		"actual": {"passed": false},
		"evidence": sprintf("/lineage/leakage_checks/%d", [i]),
	}
}

# METADATA
# title: No train/test leakage
# description: The tier requires a leakage check and none was reported.
# custom:
#   control_id: MLG-LIN-003
#   severity: high
#   requires: [/lineage/leakage_checks, /subject/risk_tier]
missing_evidence contains m if {
	_th.leakage_check_required == true
	count(_leakage_checks) == 0
	m := {
		"control": "MLG-LIN-003",
		"path": "/lineage/leakage_checks",
		"message": sprintf("no leakage check reported; required at the %s tier", [tier.name]),
	}
}

# METADATA
# title: Data-quality checks passed
# description: >-
#   Every data-quality check reported passed (a failed check blocks at every
#   tier); where thresholds[tier].lineage.data_quality_required, at least one
#   check ran.
# custom:
#   control_id: MLG-LIN-004
#   severity: medium
#   requires: [/lineage/data_quality]
#   thresholds: [lineage.data_quality_required]
#   frameworks:
#     eu_ai_act: [Art. 10]
#     iso_42001: [A.7.4]
violation contains v if {
	some i, c in _quality_checks
	c.passed == false
	v := {
		"control": "MLG-LIN-004",
		"rule": "data_quality_check_failed",
		"severity": "medium",
		"message": sprintf("data-quality check %v failed", [c.name]),
		"expected": {"passed": true},
		"actual": {"passed": false},
		"evidence": sprintf("/lineage/data_quality/%d", [i]),
	}
}

# METADATA
# title: Data-quality checks passed
# description: The tier requires data-quality checks and none was reported.
# custom:
#   control_id: MLG-LIN-004
#   severity: medium
#   requires: [/lineage/data_quality, /subject/risk_tier]
missing_evidence contains m if {
	_th.data_quality_required == true
	count(_quality_checks) == 0
	m := {
		"control": "MLG-LIN-004",
		"path": "/lineage/data_quality",
		"message": sprintf("no data-quality check reported; required at the %s tier", [tier.name]),
	}
}
