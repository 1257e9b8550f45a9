//! Benchmarks of the traceability engine; the benches live in `benches/benches/`.
