"""Answering: the answer engine, respondent pages and storing responses."""
