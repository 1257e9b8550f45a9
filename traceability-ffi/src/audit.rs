//! The audit trail through C: what stopped a salvaged replay, signed checkpoints of the
//! log's head, and verifying a log against one.
//!
//! Keys are 32 raw bytes passed by pointer (an Ed25519 secret seed, or a public key);
//! the library never stores them.

use std::ffi::c_char;

use traceability_core::event::checkpoint::{
    public_key, signing_key_from_bytes, verifying_key_from_bytes, Checkpoint,
};

use crate::args::str_arg;
use crate::handle::{query_json, tr_tracker, tracker_arg};
use crate::status::{error_json, tr_status, Failure};

/// A required 32-byte key argument.
///
/// # Safety
/// `ptr` is NULL or points to 32 readable bytes.
unsafe fn key_arg<'a>(ptr: *const u8, name: &str) -> Result<&'a [u8; 32], Failure> {
    ptr.cast::<[u8; 32]>()
        .as_ref()
        .ok_or_else(|| Failure::null(name))
}

/// Why a tracker opened with `TR_OPEN_SALVAGE` stopped replaying, as JSON in `*out`:
/// "null" for a healthy log, else the first bad event as `tr_last_error_json()` would
/// give it, e.g. `{"status":17,"kind":"Tampered","message":"...","seq":4,
/// "damage":"body_altered","detail":"..."}` or `{"status":19,"kind":"Unreplayable",
/// "message":"...","seq":4,"detail":"..."}` (no `damage`). A damaged tracker holds the
/// history up to event `seq - 1` and refuses commands with TR_ERR_READ_ONLY.
///
/// Ownership: on TR_OK `*out` is owned by the caller (free it with `tr_string_free`);
/// on failure it is NULL. Thread-safe (locks the handle).
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_damage_json(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            Ok(t.damage().map_or_else(|| "null".to_owned(), error_json))
        })
    })
}

/// Signs the head this tracker has read (its event count and the hash of its last event,
/// as `tr_head_json` shows, at the time of the tracker's clock) with the Ed25519 secret
/// `signing_key` (32 bytes, held by the embedding system), and writes the checkpoint as
/// JSON to `*checkpoint_json_out`: `{"count":N,"head":"<hex>","recorded_at":"<RFC 3339>",
/// "signature":"<hex>"}`. Keep it outside the store (the ERP's own database, a signed
/// report); `tr_verify_against` later proves the log still extends it, which detects a
/// truncated or rewritten log that the hash chain alone cannot. Call
/// `tr_tracker_refresh` first to sign what other writers appended.
///
/// The key is read for the call and never stored. Ownership: on TR_OK
/// `*checkpoint_json_out` is owned by the caller (free it with `tr_string_free`); on
/// failure it is NULL. Thread-safe (locks the handle).
#[no_mangle]
pub unsafe extern "C" fn tr_checkpoint_json(
    tracker: *const tr_tracker,
    signing_key: *const u8,
    checkpoint_json_out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        if let Some(out) = checkpoint_json_out.as_mut() {
            *out = std::ptr::null_mut();
        }
        tracker_arg(tracker)?;
        let key = signing_key_from_bytes(key_arg(signing_key, "signing_key")?);
        query_json(tracker, checkpoint_json_out, |t| {
            Ok(t.checkpoint(&key).to_json())
        })
    })
}

/// Proves that the store's log still extends the head signed in `checkpoint_json` (from
/// `tr_checkpoint_json`), with the signer's Ed25519 `public_key` (32 bytes, from
/// `tr_public_key`); on TR_OK `*event_count_out` is the number of events the store holds
/// now (events appended after the checkpoint are fine).
///
/// Errors: malformed checkpoint JSON or bytes that are not a valid (or are a weak)
/// public key: TR_ERR_INVALID_INPUT. TR_ERR_TAMPERED, with `seq` and `damage` in
/// `tr_last_error_json()`: "bad_signature" (wrong key, or the checkpoint was altered),
/// "truncated" (the log is shorter than the checkpoint), "rewritten" (the log no longer
/// holds the checkpointed head), or the hash chain's own damage kinds for a broken log.
/// TR_ERR_STORAGE when the store cannot be read. This reads the store, not only what the
/// tracker has replayed.
///
/// Ownership: `checkpoint_json` and `public_key` are borrowed for the call. On failure
/// `*event_count_out` is 0. Thread-safe (locks the handle).
#[no_mangle]
pub unsafe extern "C" fn tr_verify_against(
    tracker: *const tr_tracker,
    checkpoint_json: *const c_char,
    public_key: *const u8,
    event_count_out: *mut u64,
) -> tr_status {
    ffi_guard!({
        if let Some(out) = event_count_out.as_mut() {
            *out = 0;
        }
        let tracker = tracker_arg(tracker)?;
        let checkpoint = str_arg(checkpoint_json, "checkpoint_json")?;
        let key = key_arg(public_key, "public_key")?;
        let out = event_count_out
            .as_mut()
            .ok_or_else(|| Failure::null("event_count_out"))?;
        let checkpoint = Checkpoint::from_json(checkpoint)?;
        let key = verifying_key_from_bytes(key)?;
        *out = tracker.with(|engine| Ok(engine.tracker.verify_against(&checkpoint, &key)?))?;
        Ok(())
    })
}

/// Writes the Ed25519 public key (32 bytes) of the secret `signing_key` (32 bytes) to
/// `public_key_out`: give it to whoever verifies checkpoints. Neither key is stored.
///
/// Ownership: both buffers are borrowed for the call; `public_key_out` must hold 32
/// bytes and is left unchanged on failure. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn tr_public_key(
    signing_key: *const u8,
    public_key_out: *mut u8,
) -> tr_status {
    ffi_guard!({
        let key = signing_key_from_bytes(key_arg(signing_key, "signing_key")?);
        let out = public_key_out
            .cast::<[u8; 32]>()
            .as_mut()
            .ok_or_else(|| Failure::null("public_key_out"))?;
        *out = public_key(&key).to_bytes();
        Ok(())
    })
}
