"""What people decide from: reports, regulator statistics, alarms."""
