"""Staff accounts: roles and permissions (ACC-2..5), password policy, signing in and reset
(ACC-1, ACC-6). `roles` and `permissions` are what every staff view checks.
"""
