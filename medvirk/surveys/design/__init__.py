"""Survey design: the definition format, question bank, rounds, local questions and translations."""
