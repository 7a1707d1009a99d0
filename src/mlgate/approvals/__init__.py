"""Human approvals: principals, Ed25519 keys, signed approval records, verification.

An approval is a record signed by a principal's key over canonical JSON and
bound to a decision's ``evidence_digest``, bundle revision and digest, and a
role. Only records that verify against the principals file become
``facts.approvals``; the policy then decides whether they satisfy the tier.
"""
