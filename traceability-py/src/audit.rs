//! Signed checkpoints in Python: the frozen `traceability.Checkpoint` record (it keeps
//! the core's checkpoint, so its JSON and signature round-trip exactly, nanoseconds
//! included) and the raw-bytes key conversions. The library never keeps a key: a secret
//! seed is turned into a signing key for one call and dropped.

use std::hash::{Hash, Hasher};

use chrono::{Datelike, Timelike};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use traceability_core::event::checkpoint::{self, SigningKey, VerifyingKey};
use traceability_core::TraceError;

use crate::errors;
use crate::guard::guard;

/// The head of the log (count, hash, time) signed with the embedding system's Ed25519
/// key. Keep it outside the store (e.g. `to_json()` into the ERP's database) and check
/// it later with `Tracker.verify_against(checkpoint, public_key)`.
#[pyclass(frozen, eq, hash, module = "traceability", name = "Checkpoint")]
#[derive(Clone, PartialEq)]
pub struct Checkpoint(checkpoint::Checkpoint);

impl Hash for Checkpoint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (
            self.0.count,
            self.0.head,
            self.0.recorded_at,
            self.0.signature,
        )
            .hash(state)
    }
}

impl From<checkpoint::Checkpoint> for Checkpoint {
    fn from(core: checkpoint::Checkpoint) -> Self {
        Self(core)
    }
}

impl Checkpoint {
    pub fn core(&self) -> &checkpoint::Checkpoint {
        &self.0
    }
}

/// Exactly 32 bytes of a key, else `InvalidInput` naming the argument.
fn key_bytes(field: &'static str, bytes: &[u8]) -> Result<[u8; 32], TraceError> {
    bytes
        .try_into()
        .map_err(|_| TraceError::invalid(field, format!("must be 32 bytes, not {}", bytes.len())))
}

/// The signing key of a 32-byte Ed25519 secret seed; the copy of the seed is wiped.
pub fn signing_key(seed: &[u8]) -> Result<SigningKey, TraceError> {
    let mut bytes = key_bytes("signing_key", seed)?;
    let key = checkpoint::signing_key_from_bytes(&bytes);
    bytes.fill(0);
    std::hint::black_box(&bytes); // keep the wipe of this stack copy
    Ok(key)
}

/// The verifying key of 32 public-key bytes (invalid or weak points are refused).
pub fn verifying_key(public: &[u8]) -> Result<VerifyingKey, TraceError> {
    checkpoint::verifying_key_from_bytes(&key_bytes("public_key", public)?)
}

/// The 32-byte Ed25519 public key of a 32-byte secret seed: give it to auditors.
#[pyfunction]
pub fn public_key<'py>(py: Python<'py>, signing_key: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let public = guard(|| Ok(checkpoint::public_key(&self::signing_key(signing_key)?).to_bytes()))
        .map_err(|e| errors::to_py(py, e))?;
    Ok(PyBytes::new(py, &public))
}

#[pymethods]
impl Checkpoint {
    /// The number of events the checkpointed log held.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }

    /// The hex hash of the last of those events (64 zeros for an empty log).
    #[getter]
    fn head(&self) -> String {
        hex::encode(self.0.head)
    }

    /// When the checkpoint was taken, an aware UTC `datetime` (to the microsecond; the
    /// JSON and the signature keep the exact time).
    #[getter]
    fn recorded_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let at = self.0.recorded_at;
        let datetime = py.import("datetime")?;
        let utc = datetime.getattr("timezone")?.getattr("utc")?;
        let micros = (at.nanosecond() / 1000).min(999_999);
        datetime.getattr("datetime")?.call1((
            at.year(),
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            micros,
            utc,
        ))
    }

    /// The hex Ed25519 signature.
    #[getter]
    fn signature(&self) -> String {
        hex::encode(self.0.signature)
    }

    /// The checkpoint as JSON text, to store wherever the auditor keeps it.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// Reads a checkpoint from the JSON of `to_json()`; malformed text raises
    /// `InvalidInput`. The signature is checked by `Tracker.verify_against`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        guard(|| {
            let core = checkpoint::Checkpoint::from_json(text)?;
            // Python's datetime holds years 1..9999 only.
            if !(1..=9999).contains(&core.recorded_at.year()) {
                return Err(TraceError::invalid(
                    "checkpoint",
                    "recorded_at must lie in years 1..9999",
                ));
            }
            Ok(Self(core))
        })
        .map_err(|e| errors::to_py(py, e))
    }

    /// The fields as a dict (`count`, `head`, `recorded_at`, `signature`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("count", self.count())?;
        dict.set_item("head", self.head())?;
        dict.set_item("recorded_at", self.recorded_at(py)?)?;
        dict.set_item("signature", self.signature())?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!(
            "Checkpoint(count={}, head='{}', recorded_at='{}')",
            self.0.count,
            hex::encode(self.0.head),
            self.0.recorded_at.to_rfc3339()
        )
    }

    /// Pickles through the exact JSON.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let from_json = slf.get_type().getattr("from_json")?;
        Ok((from_json, PyTuple::new(py, [slf.get().to_json()])?))
    }
}
