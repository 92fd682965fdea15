"""Every write of the credit app (typed, keyword-only)."""

from .blacklist import (
    blacklist_approve,
    blacklist_decide_objection,
    blacklist_expire_due,
    blacklist_object,
    blacklist_propose,
    blacklist_propose_by_rule,
    blacklist_reject,
    blacklist_serve_notice,
    credit_repair_apply,
    credit_repair_decide,
    repair_possible_from,
)
from .grading import (
    credit_rating_recalculate,
    credit_recalc_run_execute,
    credit_recalc_run_start,
    credit_recalculate_all,
)
from .proposals import (
    credit_proposal_confirm,
    credit_proposal_reject,
    credit_proposals_decide,
)
from .push import (
    outbox_emit,
    webhook_delivery_retry,
    webhook_signature,
    webhook_subscription_create,
    webhook_subscription_deactivate,
    webhooks_deliver_due,
)
from .records import (
    credit_fact_ingest,
    credit_facts_ingest_pending,
    credit_record_create,
    credit_record_revoke,
    credit_rules_for_manual_entry,
    fact_source_key,
)
from .rules import rule_set_copy, rule_set_publish

__all__ = [
    "blacklist_approve",
    "blacklist_decide_objection",
    "blacklist_expire_due",
    "blacklist_object",
    "blacklist_propose",
    "blacklist_propose_by_rule",
    "blacklist_reject",
    "blacklist_serve_notice",
    "credit_fact_ingest",
    "credit_facts_ingest_pending",
    "credit_proposal_confirm",
    "credit_proposal_reject",
    "credit_proposals_decide",
    "credit_rating_recalculate",
    "credit_recalc_run_execute",
    "credit_recalc_run_start",
    "credit_recalculate_all",
    "credit_record_create",
    "credit_record_revoke",
    "credit_repair_apply",
    "credit_repair_decide",
    "credit_rules_for_manual_entry",
    "fact_source_key",
    "outbox_emit",
    "repair_possible_from",
    "rule_set_copy",
    "rule_set_publish",
    "webhook_delivery_retry",
    "webhook_signature",
    "webhook_subscription_create",
    "webhook_subscription_deactivate",
    "webhooks_deliver_due",
]
