"""Online accounts: log in, sign up, the caregiver's own page, password change."""
