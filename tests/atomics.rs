//! The atomic types have std's semantics, method by method. These tests run in both modes:
//! without `permute` they check std itself, with it they check weft's models against the
//! same expectations.

use std::panic::{catch_unwind, AssertUnwindSafe};

use weft::sync::atomic::{
    fence, AtomicBool, AtomicI64, AtomicI8, AtomicIsize, AtomicPtr, AtomicU16, AtomicU32,
    AtomicU64, AtomicU8, AtomicUsize, Ordering::*,
};

/// Hides an ordering from rustc's `invalid_atomic_ordering` lint, which rejects std's own
/// atomics at compile time: the point here is the runtime panic.
fn opaque(order: weft::sync::atomic::Ordering) -> weft::sync::atomic::Ordering {
    std::hint::black_box(order)
}

fn panic_text(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("should panic");
    weft_panic_message(payload)
}

fn weft_panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

#[test]
fn integer_read_modify_writes_wrap_and_return_the_old_value() {
    weft::model(|| {
        let a = AtomicU8::new(250);
        assert_eq!(a.fetch_add(10, SeqCst), 250);
        assert_eq!(a.load(SeqCst), 4);
        assert_eq!(a.fetch_sub(5, SeqCst), 4);
        assert_eq!(a.load(SeqCst), 255);
        assert_eq!(a.fetch_and(0x0f, SeqCst), 255);
        assert_eq!(a.fetch_or(0x30, SeqCst), 0x0f);
        assert_eq!(a.fetch_xor(0xff, SeqCst), 0x3f);
        assert_eq!(a.fetch_nand(0xf0, SeqCst), 0xc0);
        assert_eq!(a.load(SeqCst), 0x3f);
        assert_eq!(a.swap(7, SeqCst), 0x3f);
        assert_eq!(a.fetch_max(9, SeqCst), 7);
        assert_eq!(a.fetch_min(3, SeqCst), 9);
        assert_eq!(a.into_inner(), 3);

        let wide = AtomicU64::new(u64::MAX);
        assert_eq!(wide.fetch_add(2, Relaxed), u64::MAX);
        assert_eq!(wide.load(Relaxed), 1);
        let mid = AtomicU32::new(u32::MAX);
        mid.fetch_add(1, AcqRel);
        assert_eq!(mid.load(Acquire), 0);
        let small = AtomicU16::from(7);
        assert_eq!(small.load(SeqCst), 7);
    });
}

#[test]
fn signed_atomics_keep_their_sign() {
    weft::model(|| {
        let a = AtomicI8::new(-5);
        assert_eq!(a.fetch_max(-7, SeqCst), -5);
        assert_eq!(a.fetch_min(-100, SeqCst), -5);
        assert_eq!(a.load(SeqCst), -100);
        assert_eq!(a.fetch_sub(100, SeqCst), -100);
        assert_eq!(a.load(SeqCst), 56, "wrapping like std");
        let b = AtomicI64::new(-1);
        assert_eq!(b.fetch_add(-1, SeqCst), -1);
        assert_eq!(b.load(SeqCst), -2);
        let c = AtomicIsize::default();
        assert_eq!(c.fetch_sub(3, SeqCst), 0);
        assert_eq!(c.load(SeqCst), -3);
    });
}

#[test]
fn compare_exchange_and_updates() {
    weft::model(|| {
        let a = AtomicUsize::new(1);
        assert_eq!(a.compare_exchange(1, 2, SeqCst, SeqCst), Ok(1));
        assert_eq!(a.compare_exchange(1, 3, AcqRel, Acquire), Err(2));
        // A weak compare-exchange may fail spuriously (weft explores that): retry.
        while let Err(actual) = a.compare_exchange_weak(2, 4, SeqCst, Relaxed) {
            assert_eq!(
                actual, 2,
                "only a spurious failure, reading the expected value"
            );
        }
        assert_eq!(a.fetch_update(SeqCst, SeqCst, |v| Some(v * 10)), Ok(4));
        assert_eq!(
            a.fetch_update(SeqCst, SeqCst, |v| (v < 10).then_some(0)),
            Err(40)
        );
        assert_eq!(a.load(SeqCst), 40);
        assert_eq!(a.try_update(SeqCst, SeqCst, |v| Some(v + 2)), Ok(40));
        assert_eq!(a.update(SeqCst, SeqCst, |v| v / 2), 42);
        assert_eq!(a.load(SeqCst), 21);
    });
}

#[test]
fn get_mut_writes_are_seen_by_later_loads() {
    weft::model(|| {
        let mut a = AtomicUsize::new(1);
        *a.get_mut() += 1;
        *a.get_mut() *= 10;
        assert_eq!(a.load(SeqCst), 20);
        a.store(5, SeqCst);
        assert_eq!(*a.get_mut(), 5);
        *a.get_mut() = 6;
        assert_eq!(a.into_inner(), 6);
        let mut flag = AtomicBool::new(false);
        *flag.get_mut() = true;
        assert!(flag.load(SeqCst));
        assert_eq!(format!("{:?}", AtomicUsize::new(9)), "9");
    });
}

#[test]
fn atomic_bool_operations() {
    weft::model(|| {
        let b = AtomicBool::new(true);
        assert!(b.fetch_and(false, SeqCst));
        assert!(!b.fetch_or(true, SeqCst));
        assert!(b.fetch_xor(true, SeqCst));
        assert!(!b.fetch_nand(true, SeqCst));
        assert!(b.load(SeqCst));
        assert!(b.fetch_not(SeqCst));
        assert!(!b.swap(true, SeqCst));
        assert_eq!(b.compare_exchange(false, true, SeqCst, SeqCst), Err(true));
        while let Err(actual) = b.compare_exchange_weak(true, false, SeqCst, SeqCst) {
            assert!(
                actual,
                "only a spurious failure, reading the expected value"
            );
        }
        assert_eq!(b.fetch_update(SeqCst, SeqCst, |v| Some(!v)), Ok(false));
        assert!(b.into_inner());
        assert!(!AtomicBool::default().load(SeqCst));
    });
}

#[test]
fn atomic_ptr_operations_keep_the_pointer_usable() {
    weft::model(|| {
        let mut values = [10u32, 20, 30];
        let base = values.as_mut_ptr();
        let p = AtomicPtr::new(base);
        assert_eq!(p.fetch_ptr_add(2, SeqCst), base);
        // SAFETY: the pointer is within `values`.
        assert_eq!(unsafe { *p.load(SeqCst) }, 30);
        assert_eq!(p.fetch_ptr_sub(1, SeqCst), base.wrapping_add(2));
        assert_eq!(p.fetch_byte_sub(4, SeqCst), base.wrapping_add(1));
        assert_eq!(p.load(SeqCst), base);
        assert_eq!(p.fetch_or(1, SeqCst), base);
        assert_eq!(p.fetch_and(!1, SeqCst) as usize, base as usize | 1);
        assert_eq!(p.fetch_byte_add(4, SeqCst), base);
        let other = base.wrapping_add(2);
        assert_eq!(
            p.compare_exchange(base, other, SeqCst, SeqCst),
            Err(base.wrapping_add(1))
        );
        assert_eq!(p.swap(other, SeqCst), base.wrapping_add(1));
        // SAFETY: `other` points at `values[2]`.
        unsafe { *p.load(SeqCst) += 1 };
        assert_eq!(values[2], 31);
        let null: AtomicPtr<u8> = AtomicPtr::default();
        assert!(null.load(SeqCst).is_null());
    });
}

#[test]
fn orderings_that_do_not_exist_panic_like_std() {
    weft::model(|| {
        let a = AtomicUsize::new(0);
        assert_eq!(
            panic_text(|| {
                let _ = a.load(opaque(Release));
            }),
            "there is no such thing as a release load"
        );
        assert_eq!(
            panic_text(|| {
                let _ = a.load(opaque(AcqRel));
            }),
            "there is no such thing as an acquire-release load"
        );
        assert_eq!(
            panic_text(|| a.store(1, opaque(Acquire))),
            "there is no such thing as an acquire store"
        );
        assert_eq!(
            panic_text(|| a.store(1, opaque(AcqRel))),
            "there is no such thing as an acquire-release store"
        );
        assert_eq!(
            panic_text(|| {
                let _ = a.compare_exchange(0, 1, SeqCst, opaque(Release));
            }),
            "there is no such thing as a release failure ordering"
        );
        assert_eq!(
            panic_text(|| {
                let _ = a.compare_exchange(0, 1, SeqCst, opaque(AcqRel));
            }),
            "there is no such thing as an acquire-release failure ordering"
        );
        assert_eq!(
            panic_text(|| fence(opaque(Relaxed))),
            "there is no such thing as a relaxed fence"
        );
        fence(SeqCst);
        assert_eq!(
            a.load(SeqCst),
            0,
            "the value is untouched by the rejected calls"
        );
    });
}
