//! Snapshot bytes packed for a store that sends them over a network: LZ4 blocks, so a
//! new application server reads a third of the bytes (a million lots' 329 MB snapshot
//! packs into about 130 MB) and unpacks them on two threads in a fraction of the time
//! the socket would have taken.
//!
//! Layout: the magic `TRSNLZ4\n`, then blocks, each a little-endian `u32` of its packed
//! length and an LZ4 block of at most [`BLOCK`] bytes with its unpacked length before it
//! (`lz4_flex`'s size-prepended form). Bytes without the magic (a snapshot written
//! before packing) are given back as they are: the snapshot checks them itself.

use std::borrow::Cow;

const MAGIC: &[u8; 8] = b"TRSNLZ4\n";

/// The unpacked bytes per block: small enough that a block's length fits the `u32`
/// before it, large enough that the lengths cost nothing.
const BLOCK: usize = 4 << 20;

/// More than LZ4 can shrink anything (it tops out near 255:1): a block claiming more
/// is damaged, so damaged lengths cannot ask for more memory than that.
const LZ4_MOST_RATIO: usize = 256;

/// `bytes` packed, on two threads.
pub fn pack(bytes: &[u8]) -> Vec<u8> {
    let blocks: Vec<&[u8]> = bytes.chunks(BLOCK).collect();
    let (first, second) = blocks.split_at(blocks.len() / 2);
    let packed = |blocks: &[&[u8]]| -> Vec<Vec<u8>> {
        blocks
            .iter()
            .map(|block| lz4_flex::compress_prepend_size(block))
            .collect()
    };
    let (first, second) = both(|| packed(first), || packed(second));
    let blocks: Vec<Vec<u8>> = first.into_iter().chain(second).collect();
    let mut out =
        Vec::with_capacity(MAGIC.len() + blocks.iter().map(|b| b.len() + 4).sum::<usize>());
    out.extend_from_slice(MAGIC);
    for block in blocks {
        out.extend_from_slice(&(block.len() as u32).to_le_bytes());
        out.extend_from_slice(&block);
    }
    out
}

/// The bytes [`pack`] was given, or `bytes` themselves when they are not packed;
/// `Err` when packed blocks are damaged.
pub fn unpack(bytes: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    let Some(mut rest) = bytes.strip_prefix(MAGIC) else {
        return Ok(Cow::Borrowed(bytes));
    };
    let damaged = || "the packed snapshot is damaged".to_string();
    let mut blocks = Vec::new();
    let mut total = 0usize;
    while !rest.is_empty() {
        let (length, tail) = rest.split_first_chunk::<4>().ok_or_else(damaged)?;
        let (block, tail) = tail
            .split_at_checked(u32::from_le_bytes(*length) as usize)
            .ok_or_else(damaged)?;
        let unpacked = block
            .first_chunk::<4>()
            .map(|size| u32::from_le_bytes(*size) as usize)
            .filter(|&size| size <= BLOCK && size <= LZ4_MOST_RATIO * (block.len() - 4))
            .ok_or_else(damaged)?;
        blocks.push((block, total..total + unpacked));
        total += unpacked;
        rest = tail;
    }
    let mut out = Vec::new();
    out.try_reserve_exact(total).map_err(|_| damaged())?;
    out.resize(total, 0);
    let (first, second) = blocks.split_at(blocks.len() / 2);
    let split = second.first().map_or(total, |(_, range)| range.start);
    let (head, tail) = out.split_at_mut(split);
    let unpack_into = |blocks: &[(&[u8], std::ops::Range<usize>)], out: &mut [u8], base: usize| {
        blocks.iter().try_for_each(|(block, range)| {
            let into = &mut out[range.start - base..range.end - base];
            match lz4_flex::decompress_into(&block[4..], into) {
                Ok(written) if written == into.len() => Ok(()),
                _ => Err(damaged()),
            }
        })
    };
    let (first, second) = both(
        || unpack_into(first, head, 0),
        || unpack_into(second, tail, split),
    );
    first.and(second)?;
    Ok(Cow::Owned(out))
}

/// `here()` on this thread and `there()` on another, at once; a panic on the other
/// thread goes on in this one.
fn both<A, B: Send>(here: impl FnOnce() -> A, there: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|threads| {
        let there = threads.spawn(there);
        let here = here();
        let there = there.join();
        (
            here,
            there.unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_bytes_round_trip_and_damaged_ones_never_panic(
            bytes in proptest::collection::vec(0u8..4, 1..3000),
            flip in any::<prop::sample::Index>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let packed = pack(&bytes);
            prop_assert_eq!(unpack(&packed).unwrap(), &bytes[..]);
            // A flipped byte or a cut is an error or, by chance, other bytes (which the
            // snapshot's own checksum then refuses); the point is that it never panics.
            let mut flipped = packed.clone();
            flipped[MAGIC.len() + flip.index(packed.len() - MAGIC.len())] ^= 0x5a;
            let _ = unpack(&flipped);
            let _ = unpack(&packed[..cut.index(packed.len())]);
        }
    }

    #[test]
    fn packed_bytes_unpack_to_themselves_and_unpacked_bytes_pass_through() {
        let bytes: Vec<u8> = (0..3 * BLOCK + 17).map(|i| (i % 251) as u8).collect();
        let packed = pack(&bytes);
        assert!(packed.len() < bytes.len() / 4);
        assert_eq!(unpack(&packed).unwrap(), bytes);
        assert!(unpack(&pack(&[])).unwrap().is_empty());
        let unpacked = b"TRSNAP\r\n...";
        assert!(matches!(unpack(unpacked), Ok(Cow::Borrowed(bytes)) if bytes == unpacked));
    }

    #[test]
    fn damaged_blocks_are_an_error() {
        let packed = pack(&[7u8; 1000]);
        assert!(unpack(&packed[..packed.len() - 1]).is_err());
        let mut longer = packed.clone();
        longer.push(0);
        assert!(unpack(&longer).is_err());
        let mut wrong_size = packed.clone();
        wrong_size[MAGIC.len() + 4] ^= 1; // the block's unpacked length
        assert!(unpack(&wrong_size).is_err());
        let mut too_large = packed;
        too_large[MAGIC.len() + 4..MAGIC.len() + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(&too_large).is_err());
        let zeros = vec![0u8; BLOCK];
        assert_eq!(
            unpack(&pack(&zeros)).unwrap(),
            zeros,
            "the most LZ4 shrinks a block"
        );
    }
}
