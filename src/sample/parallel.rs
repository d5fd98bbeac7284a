//! Work spread over the machine's cores without changing the result: each job is a pure
//! function of its index, so the output is the same whatever the thread count.

use crate::error::{Error, Result};

/// Upper bound on worker threads; the jobs are CPU-bound and short.
const MAX_WORKERS: usize = 8;

/// `[job(0), job(1), ..., job(n - 1)]`, computed on up to `MAX_WORKERS` threads.
pub(super) fn map_indexed<T: Send>(n: usize, job: impl Fn(usize) -> T + Sync) -> Result<Vec<T>> {
    let cores = std::thread::available_parallelism().map_or(1, |p| p.get());
    map_indexed_on(cores.clamp(1, MAX_WORKERS), n, job)
}

fn map_indexed_on<T: Send>(workers: usize, n: usize, job: impl Fn(usize) -> T + Sync) -> Result<Vec<T>> {
    let workers = workers.min(n);
    if workers <= 1 {
        return Ok((0..n).map(job).collect());
    }
    let job = &job;
    let mut parts: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..workers).map(|w| scope.spawn(move || (w..n).step_by(workers).map(|i| (i, job(i))).collect::<Vec<_>>())).collect();
        let mut all = Vec::with_capacity(n);
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(_) => return Err(Error::runtime("sample data: a generator thread failed")),
            }
        }
        Ok(all)
    })?;
    parts.sort_unstable_by_key(|(i, _)| *i);
    Ok(parts.into_iter().map(|(_, t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_index_order() {
        let squares = map_indexed(100, |i| i * i).expect("runs");
        assert_eq!(squares, (0..100).map(|i| i * i).collect::<Vec<_>>());
        assert!(map_indexed(0, |i| i).expect("runs").is_empty());
    }

    #[test]
    fn thread_count_does_not_change_the_result() {
        use super::super::rng::Rng;
        let job = |i: usize| {
            let mut rng = Rng::stream(42, i as u64);
            (0..1000).map(|_| rng.next_u64()).fold(0u64, |a, b| a.rotate_left(5) ^ b)
        };
        let one = map_indexed_on(1, 37, job).expect("runs");
        for workers in [2, 3, 8] {
            assert_eq!(map_indexed_on(workers, 37, job).expect("runs"), one, "{workers} workers");
        }
    }
}
