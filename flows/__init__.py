"""Pipeline code: pure modules (parsing, validation, publishing) and the thin Prefect flow that runs them."""
