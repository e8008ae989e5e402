"""Interchange: survey definitions to and from XLSForm and JSON files."""
