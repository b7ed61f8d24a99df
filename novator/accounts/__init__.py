"""Users and their roles: `RoleAssignment`s and the cached `Scope` that the rules predicates read,
login, password reset, API tokens and «sign out everywhere»."""
