//! Small-cell suppression for the figures anyone may see (the ward's public briefing), as
//! statistics offices do it.
//!
//! A TDP's count of 1 to 4 tells about those few people: in a TDP with one trader, "1 of 1
//! takes cashless payment" is that trader's answer. So is a count that leaves 1 to 4 out
//! ("48 of 50 have VNeID" says the other two have not). Such a cell is withheld, shown as
//! "< 5" (primary suppression). A withheld cell must not come back by subtraction: when the
//! ward's total is shown and only one TDP's cell of a column is withheld, the total minus the
//! others would give it, so a second cell is withheld with it (secondary suppression).
//! Satisfaction is shown for the whole ward only, and only from 5 ratings.

use crate::api::{Figure, SkillFigure, TdpIndicators};

/// The smallest count shown: anything from 1 to one less reads "< 5".
pub const THRESHOLD: i64 = 5;

/// Whether `achieved` of `population` would tell about fewer than [`THRESHOLD`] people,
/// households or traders: those counted, or those left out.
pub fn disclosive(achieved: i64, population: i64) -> bool {
    let few = |n: i64| 0 < n && n < THRESHOLD;
    few(achieved) || few(population - achieved)
}

/// Which cells of one column (each TDP's `(achieved, population)`, and the ward's) are
/// withheld.
fn column(rows: &[(i64, i64)], total: (i64, i64)) -> (Vec<bool>, bool) {
    let mut withheld: Vec<bool> = rows.iter().map(|&(a, p)| disclosive(a, p)).collect();
    let total_withheld = disclosive(total.0, total.1);
    if !total_withheld && withheld.iter().filter(|w| **w).count() == 1 {
        // The second cell is the smallest count that is not zero: withholding a zero would
        // leave the sum of the two equal to the first.
        let second = (0..rows.len())
            .filter(|&i| !withheld[i])
            .min_by_key(|&i| (rows[i].0 == 0, rows[i].0, i));
        if let Some(i) = second {
            withheld[i] = true;
        }
    }
    (withheld, total_withheld)
}

/// A cell of the figures: a count of a population.
trait Cell {
    fn counts(&self) -> (i64, i64);
    fn withhold(&mut self);
}

/// `Figure` and `SkillFigure` hold a count the same way (a skill's figure is a figure with
/// its skill's id).
macro_rules! count_cell {
    ($($figure:ty),*) => {$(
        impl Cell for $figure {
            fn counts(&self) -> (i64, i64) {
                (self.achieved, self.population)
            }

            fn withhold(&mut self) {
                self.achieved = 0;
                self.share = None;
                self.progress = Default::default();
                self.withheld = true;
            }
        }
    )*};
}

count_cell!(Figure, SkillFigure);

/// Withholds one column: the cell `pick` finds in the total and in each row.
fn protect_column(
    totals: &mut TdpIndicators,
    rows: &mut [TdpIndicators],
    pick: impl Fn(&mut TdpIndicators) -> Option<&mut dyn Cell>,
) {
    let counts: Vec<(i64, i64)> = rows
        .iter_mut()
        .map(|r| pick(r).map_or((0, 0), |c| c.counts()))
        .collect();
    let Some(total) = pick(totals) else {
        return;
    };
    let (withheld, total_withheld) = column(&counts, total.counts());
    if total_withheld {
        total.withhold();
    }
    for (row, withheld) in rows.iter_mut().zip(withheld) {
        if withheld && let Some(cell) = pick(row) {
            cell.withhold();
        }
    }
}

/// A TDP's visits: households visited of households registered.
fn protect_visits(totals: &mut TdpIndicators, rows: &mut [TdpIndicators]) {
    let visits = |r: &TdpIndicators| (r.households_visited, r.households_registered);
    let counts: Vec<(i64, i64)> = rows.iter().map(visits).collect();
    let (withheld, total_withheld) = column(&counts, visits(totals));
    let withhold = |r: &mut TdpIndicators| {
        r.households_visited = 0;
        r.visit_coverage = None;
        r.visits_withheld = true;
    };
    if total_withheld {
        withhold(totals);
    }
    for (row, withheld) in rows.iter_mut().zip(withheld) {
        if withheld {
            withhold(row);
        }
    }
}

/// Withholds, in place, every figure of the TDPs and the ward that would tell about fewer
/// than [`THRESHOLD`] people, households or traders, those that subtraction would give back,
/// and the TDPs' ratings.
pub fn protect(totals: &mut TdpIndicators, rows: &mut [TdpIndicators]) {
    protect_visits(totals, rows);
    for i in 0..totals.skills.len() {
        protect_column(totals, rows, |r| {
            r.skills.get_mut(i).map(|c| c as &mut dyn Cell)
        });
    }
    protect_column(totals, rows, |r| Some(&mut r.models.families));
    protect_column(totals, rows, |r| Some(&mut r.models.identity));
    protect_column(totals, rows, |r| Some(&mut r.models.ambassadors));
    protect_column(totals, rows, |r| Some(&mut r.models.cashless));
    for row in rows.iter_mut() {
        withhold_ratings(row);
    }
    if totals.ratings < THRESHOLD {
        withhold_ratings(totals);
    }
}

fn withhold_ratings(row: &mut TdpIndicators) {
    row.satisfaction = None;
    row.ratings = 0;
    row.ratings_withheld = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ModelFigures;
    use crate::indicators::{Pace, figure};

    fn row(visited: i64, households: i64, traders: (i64, i64)) -> TdpIndicators {
        let pace = Pace::this_year("2026-12-07".parse().unwrap());
        TdpIndicators {
            tdp_id: None,
            code: String::new(),
            name: String::new(),
            households_registered: households,
            households_visited: visited,
            visit_coverage: crate::indicators::share_percent(visited, households),
            satisfaction: Some(4.2),
            ratings: 12,
            skills: vec![],
            models: ModelFigures {
                families: figure(0, households, 50.0, pace),
                identity: figure(0, 0, 80.0, pace),
                ambassadors: figure(0, 0, 100.0, pace),
                cashless: figure(traders.0, traders.1, 80.0, pace),
            },
            visits_withheld: false,
            ratings_withheld: false,
        }
    }

    fn total(rows: &[TdpIndicators]) -> TdpIndicators {
        let sum = |f: fn(&TdpIndicators) -> (i64, i64)| {
            rows.iter()
                .map(f)
                .fold((0, 0), |(a, p), (x, y)| (a + x, p + y))
        };
        let visits = sum(|r| (r.households_visited, r.households_registered));
        let traders = sum(|r| r.models.cashless.counts());
        let mut t = row(visits.0, visits.1, traders);
        t.ratings = rows.iter().map(|r| r.ratings).sum();
        t
    }

    #[test]
    fn counts_of_one_to_four_and_counts_leaving_one_to_four_out_are_disclosive() {
        assert!(!disclosive(0, 50));
        assert!(disclosive(1, 50));
        assert!(disclosive(4, 50));
        assert!(!disclosive(5, 50));
        assert!(disclosive(48, 50));
        assert!(!disclosive(50, 50));
        // A TDP's only trader, with cashless payment or without.
        assert!(disclosive(1, 1));
        assert!(disclosive(0, 1));
        assert!(!disclosive(0, 0));
    }

    #[test]
    fn the_only_trader_of_a_tdp_cannot_be_read_off_nor_subtracted_back() {
        let mut rows = vec![
            row(20, 40, (1, 1)),
            row(20, 40, (6, 10)),
            row(20, 40, (9, 20)),
        ];
        let mut totals = total(&rows);
        protect(&mut totals, &mut rows);
        let cashless: Vec<&Figure> = rows.iter().map(|r| &r.models.cashless).collect();
        assert!(cashless[0].withheld && cashless[0].achieved == 0 && cashless[0].share.is_none());
        // The ward's 16 would give the first TDP back as 16 − 6 − 9: the smallest other
        // count goes too.
        assert!(!totals.models.cashless.withheld);
        assert_eq!(totals.models.cashless.achieved, 16);
        assert!(cashless[1].withheld);
        assert!(!cashless[2].withheld);
        assert_eq!(cashless[2].achieved, 9);
    }

    #[test]
    fn a_small_ward_total_is_withheld_and_zeros_are_shown() {
        let mut rows = vec![row(20, 40, (3, 30)), row(20, 40, (0, 30))];
        let mut totals = total(&rows);
        protect(&mut totals, &mut rows);
        assert!(totals.models.cashless.withheld);
        assert!(rows[0].models.cashless.withheld);
        assert!(!rows[1].models.cashless.withheld);
        assert_eq!(rows[1].models.cashless.share, Some(0.0));
    }

    #[test]
    fn visits_are_withheld_when_few_households_are_left_out() {
        let mut rows = vec![
            row(38, 40, (0, 0)),
            row(20, 40, (0, 0)),
            row(25, 40, (0, 0)),
        ];
        let mut totals = total(&rows);
        protect(&mut totals, &mut rows);
        assert!(rows[0].visits_withheld && rows[0].visit_coverage.is_none());
        assert!(
            rows[1].visits_withheld,
            "the second cell: 20 is the smallest"
        );
        assert!(!rows[2].visits_withheld);
        assert_eq!(rows[2].households_visited, 25);
        assert!(!totals.visits_withheld);
    }

    #[test]
    fn ratings_are_shown_for_the_ward_only_and_from_five() {
        let mut rows = vec![row(20, 40, (0, 0)), row(20, 40, (0, 0))];
        let mut totals = total(&rows);
        protect(&mut totals, &mut rows);
        assert!(
            rows.iter()
                .all(|r| r.ratings_withheld && r.satisfaction.is_none())
        );
        assert_eq!((totals.ratings, totals.ratings_withheld), (24, false));

        let mut rows = vec![row(20, 40, (0, 0))];
        rows[0].ratings = 3;
        let mut totals = total(&rows);
        protect(&mut totals, &mut rows);
        assert!(totals.ratings_withheld && totals.satisfaction.is_none());
    }
}
