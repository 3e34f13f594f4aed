//! Request limits on what anyone may call without signing in: signing in, an invitation link,
//! an activity's check-in and the ward's briefing. Each counts per client address (an IPv6
//! client by its /64, which one household or phone is given whole) and, where a request
//! names a target an attacker would aim at, per target too: guessing names against one
//! activity's check-in from many addresses still meets that activity's limit.
//!
//! Counted in this process (governor's keyed GCRA), so a restart forgets them: they bound a
//! flood, while the sign-in throttle (`auth::throttle`, in PostgreSQL) bounds guessing.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::{Error, Result};

/// The anonymous endpoints, each limited on its own, so that reading the briefing on a
/// projector does not use up a hall's check-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    SignIn,
    Invitation,
    CheckIn,
    Briefing,
}

/// Requests a target allows per minute, as a multiple of one address's: a class of forty
/// checking in on the hall's Wi-Fi is one address, a class on mobile data is forty.
const TARGET_FACTOR: u32 = 5;

/// How many requests each address may make per minute to each anonymous endpoint
/// (`--anonymous-per-minute`), all of them at once if it likes.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    pub per_minute: NonZeroU32,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            per_minute: NonZeroU32::new(60).expect("not zero"),
        }
    }
}

pub struct Limits {
    addresses: DefaultKeyedRateLimiter<(Limit, IpAddr)>,
    targets: DefaultKeyedRateLimiter<(Limit, String)>,
}

impl Limits {
    pub fn new(quotas: Quotas) -> Self {
        let per_target = quotas
            .per_minute
            .saturating_mul(NonZeroU32::new(TARGET_FACTOR).expect("not zero"));
        Self {
            addresses: RateLimiter::keyed(Quota::per_minute(quotas.per_minute)),
            targets: RateLimiter::keyed(Quota::per_minute(per_target)),
        }
    }

    /// Counts one request from `address`, and against `target` when there is one; 429 with
    /// the wait when either is used up.
    pub fn check(&self, limit: Limit, address: IpAddr, target: Option<&str>) -> Result<()> {
        let now = DefaultClock::default().now();
        let over = |not_until: governor::NotUntil<_>| {
            Error::TooManyRequests(not_until.wait_time_from(now))
        };
        self.addresses
            .check_key(&(limit, network(address)))
            .map_err(over)?;
        if let Some(target) = target {
            self.targets
                .check_key(&(limit, target.to_owned()))
                .map_err(over)?;
        }
        Ok(())
    }

    /// Forgets the counts that have run out, so that addresses seen once do not add up.
    pub fn forget_old(&self) {
        self.addresses.retain_recent();
        self.addresses.shrink_to_fit();
        self.targets.retain_recent();
        self.targets.shrink_to_fit();
    }
}

/// An IPv6 address by its /64: one subscriber's whole network, where a client may pick a new
/// address for every request.
fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// Forgets run-out counts every minute, for as long as the server runs.
pub async fn housekeeping(limits: std::sync::Arc<Limits>) {
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        limits.forget_old();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotas(per_minute: u32) -> Quotas {
        Quotas {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
        }
    }

    #[test]
    fn an_address_is_limited_per_endpoint() {
        let limits = Limits::new(quotas(3));
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..3 {
            limits.check(Limit::CheckIn, a, None).unwrap();
        }
        let Err(Error::TooManyRequests(wait)) = limits.check(Limit::CheckIn, a, None) else {
            panic!("the fourth check-in in a minute passed");
        };
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20));
        limits.check(Limit::Briefing, a, None).unwrap();
        limits
            .check(Limit::CheckIn, "203.0.113.8".parse().unwrap(), None)
            .unwrap();
    }

    #[test]
    fn an_ipv6_client_counts_by_its_network() {
        let limits = Limits::new(quotas(2));
        for host in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
            limits
                .check(Limit::SignIn, host.parse().unwrap(), None)
                .unwrap();
        }
        assert!(
            limits
                .check(Limit::SignIn, "2001:db8:1:2:ffff::9".parse().unwrap(), None)
                .is_err()
        );
        limits
            .check(Limit::SignIn, "2001:db8:1:3::1".parse().unwrap(), None)
            .unwrap();
    }

    #[test]
    fn a_target_is_limited_across_addresses() {
        let limits = Limits::new(quotas(1));
        for i in 0..TARGET_FACTOR {
            let address = IpAddr::from([198, 51, 100, i as u8]);
            limits
                .check(Limit::CheckIn, address, Some("activity"))
                .unwrap();
        }
        let other = IpAddr::from([198, 51, 100, 200]);
        assert!(
            limits
                .check(Limit::CheckIn, other, Some("activity"))
                .is_err()
        );
        let third = IpAddr::from([198, 51, 100, 201]);
        limits
            .check(Limit::CheckIn, third, Some("another activity"))
            .unwrap();
    }
}
