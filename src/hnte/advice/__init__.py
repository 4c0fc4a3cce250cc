"""The self-assessment advisor, built on the assessment trace: programme comparison, gaps as exact
amounts, reviewer risks and what the status is worth. Advice never changes a legal verdict."""
