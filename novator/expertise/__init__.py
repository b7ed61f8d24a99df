"""The expert review: experts, commissions, conflicts, the assignment (`assignment/`), score sheets, the
ranking with the experts' agreement (`ranking/`), the chair's confirmation, minutes and orders."""
