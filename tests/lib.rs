//! Helpers for the integration tests: fixture paths.
