//! Data generators shared by the benchmarks; the benches live in `benches/benches/`.
