"""Pages of free choice of provider that read survey results, so they sit in insights (above the
domain app ``medvirk.choice``): the public comparison of providers and the statistics of choosing.
"""
