//! Classes and other activities: the ward's schedule (this week or this month, upcoming first)
//! with a form to schedule one, and an activity's page, where the team records who came and the
//! organiser confirms what they learnt, which updates the attendees' skills.

mod detail;
mod form;
mod list;

pub use detail::ActivityPage;
pub use list::Activities;
