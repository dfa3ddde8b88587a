"""The portal: read-only, server-rendered pages over the reader, the reports and inspect views
(`carbon serve`)."""
