"""Admission (项目准入, source control): high-risk projects and siting reviews against dense places and
separation distances, the banned-equipment catalog matched against declared equipment, exit proposals."""
