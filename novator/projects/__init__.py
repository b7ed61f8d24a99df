"""Innovation projects: the authority's programme and stages, project passports with versions, the
annual project reports with their workflow and reminders, the readiness survey and the roadmap."""
