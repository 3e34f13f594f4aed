//! Who may do what: the roles of a ward's people, the province's roles above them, and the
//! actions each role allows.
//!
//! One table, used twice: the server checks every request against it, and the app shows only
//! the menus a person's roles allow.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{Grant, ProvinceGrant};

choice! {
/// A person's role in one ward (and, for team roles, one TDP).
#[derive(PartialOrd, Ord)]
pub enum Role {
    /// Cán bộ phường: everything in the ward.
    WardAdmin,
    /// Tổ trưởng tổ công nghệ số cộng đồng: their TDP's team, households and visits.
    TeamLeader,
    /// Thành viên tổ: reads and records in their TDP.
    Volunteer,
    /// Tổ ứng cứu: reads every household of the ward, and handles the tickets the teams
    /// escalate.
    Responder,
    /// Figures only: dashboards, map, projector; never a name.
    Viewer,
}

/// A person's role over every ward of one province (tỉnh/thành phố). Neither ever reaches a
/// resident's name, household or visit: those stay with the ward.
pub enum ProvinceRole {
    /// Cán bộ Sở/Ban chỉ đạo tỉnh: onboards the province's wards and makes their first
    /// admins, sets the province's targets, and sees every ward's figures.
    ProvinceAdmin,
    /// Figures only, never a name: the city's party and steering committees.
    ProvinceViewer,
}
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Counts and shares, no names: dashboards, the map, the projector.
    ViewFigures,
    /// Households, residents, visits and team members: personal data.
    ViewPeople,
    /// Record visits; add households and residents met at the door.
    Record,
    /// A TDP's team: members and invitations.
    ManageTeam,
    /// The ward itself: TDPs, users and roles, skills and targets, the audit log.
    ManageWard,
    /// Rapid-response tickets: take them on, hand them over, resolve them.
    Respond,
}

impl Role {
    /// Team roles hold for one TDP; the others for the whole ward.
    pub fn is_per_tdp(self) -> bool {
        matches!(self, Self::TeamLeader | Self::Volunteer)
    }

    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match self {
            Self::WardAdmin => true,
            Self::TeamLeader => matches!(action, ViewFigures | ViewPeople | Record | ManageTeam),
            Self::Volunteer => matches!(action, ViewFigures | ViewPeople | Record),
            Self::Responder => matches!(action, ViewFigures | ViewPeople | Respond),
            Self::Viewer => action == ViewFigures,
        }
    }
}

impl ProvinceRole {
    /// What the role allows in each ward of its province: the figures, nothing else.
    pub fn allows(self, action: Action) -> bool {
        action == Action::ViewFigures
    }

    /// What the role allows with the province itself.
    pub fn may(self, action: ProvinceAction) -> bool {
        match action {
            ProvinceAction::ViewFigures => true,
            ProvinceAction::Manage => self == Self::ProvinceAdmin,
        }
    }
}

/// What a request wants to do with a province itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvinceAction {
    /// Every ward's counts side by side, never a name.
    ViewFigures,
    /// Onboarding the province's wards and making their first admins; its targets.
    Manage,
}

/// Which TDPs of a ward an action may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// None: the ward is not the person's, or the role does not allow the action.
    Nothing,
    /// Only these TDPs.
    Tdps(Vec<Uuid>),
    /// Every TDP of the ward.
    Ward,
}

impl Reach {
    /// What a person holding `grants` may reach with `action` in `ward`.
    pub fn of(grants: &[Grant], ward: i32, action: Action) -> Self {
        let mut tdps = Vec::new();
        for g in grants
            .iter()
            .filter(|g| g.ward_code == ward && g.role.allows(action))
        {
            match g.tdp_id {
                None => return Self::Ward,
                Some(tdp) => tdps.push(tdp),
            }
        }
        if tdps.is_empty() {
            Self::Nothing
        } else {
            tdps.sort();
            tdps.dedup();
            Self::Tdps(tdps)
        }
    }

    /// What a person holding `grants` in wards and `provinces` over provinces may reach with
    /// `action` in `ward`, a ward of `province`: a province role reaches every ward of its
    /// province, for what it allows.
    pub fn of_person(
        grants: &[Grant],
        provinces: &[ProvinceGrant],
        ward: i32,
        province: Option<i32>,
        action: Action,
    ) -> Self {
        let over_province = provinces
            .iter()
            .any(|g| Some(g.province_code) == province && g.role.allows(action));
        if over_province {
            Self::Ward
        } else {
            Self::of(grants, ward, action)
        }
    }

    pub fn includes(&self, tdp: Uuid) -> bool {
        match self {
            Self::Nothing => false,
            Self::Tdps(tdps) => tdps.contains(&tdp),
            Self::Ward => true,
        }
    }

    pub fn is_ward(&self) -> bool {
        *self == Self::Ward
    }

    pub fn is_nothing(&self) -> bool {
        *self == Self::Nothing
    }
}

/// How long the person who recorded a visit may still void it. Its TDP's team leader, and the
/// ward's admin, may at any time.
pub const VISIT_VOIDABLE_DAYS: i64 = 7;

/// Whether someone may void a visit: they manage its TDP's team (team leader, ward admin), or
/// they recorded it themselves no more than [`VISIT_VOIDABLE_DAYS`] days ago.
pub fn may_void_visit(
    manages_team: bool,
    recorded_it: bool,
    recorded_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    manages_team
        || (recorded_it && now - recorded_at <= chrono::TimeDelta::days(VISIT_VOIDABLE_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_is_voided_by_its_recorder_for_a_week_and_by_the_team_leader_always() {
        let recorded = "2026-12-01T03:00:00Z".parse().unwrap();
        let after = |days| recorded + chrono::TimeDelta::days(days);
        let second = chrono::TimeDelta::seconds(1);
        assert!(may_void_visit(false, true, recorded, after(7)));
        assert!(!may_void_visit(false, true, recorded, after(7) + second));
        assert!(!may_void_visit(false, false, recorded, after(0)));
        assert!(may_void_visit(true, false, recorded, after(400)));
    }

    fn grant(ward: i32, role: Role, tdp: Option<Uuid>) -> Grant {
        Grant {
            ward_code: ward,
            ward_name: String::new(),
            role,
            tdp_id: tdp,
            tdp_name: None,
        }
    }

    #[test]
    fn team_roles_reach_their_tdps_only() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let grants = [
            grant(619, Role::Volunteer, Some(a)),
            grant(619, Role::TeamLeader, Some(b)),
        ];
        assert_eq!(
            Reach::of(&grants, 619, Action::Record),
            Reach::Tdps(vec![a, b])
        );
        assert_eq!(
            Reach::of(&grants, 619, Action::ManageTeam),
            Reach::Tdps(vec![b])
        );
        assert_eq!(Reach::of(&grants, 619, Action::ManageWard), Reach::Nothing);
        assert_eq!(Reach::of(&grants, 70, Action::ViewFigures), Reach::Nothing);
    }

    #[test]
    fn ward_roles_reach_the_ward_and_no_other() {
        let grants = [
            grant(619, Role::Responder, None),
            grant(70, Role::Viewer, None),
        ];
        assert!(Reach::of(&grants, 619, Action::ViewPeople).is_ward());
        assert!(Reach::of(&grants, 619, Action::Record).is_nothing());
        assert!(Reach::of(&grants, 619, Action::Respond).is_ward());
        assert!(Reach::of(&grants, 70, Action::Respond).is_nothing());
        assert!(Reach::of(&grants, 70, Action::ViewFigures).is_ward());
        assert!(Reach::of(&grants, 70, Action::ViewPeople).is_nothing());
        assert!(Reach::of(&grants, 1, Action::ViewFigures).is_nothing());
    }

    #[test]
    fn a_province_role_reaches_the_figures_of_its_provinces_wards_only() {
        let province = |code, role| ProvinceGrant {
            province_code: code,
            province_name: String::new(),
            role,
        };
        let viewer = [province(1, ProvinceRole::ProvinceViewer)];
        let admin = [province(1, ProvinceRole::ProvinceAdmin)];
        for provinces in [&viewer, &admin] {
            let reach = |ward_province, action| {
                Reach::of_person(&[], provinces, 619, ward_province, action)
            };
            assert!(reach(Some(1), Action::ViewFigures).is_ward());
            for action in [
                Action::ViewPeople,
                Action::Record,
                Action::ManageTeam,
                Action::ManageWard,
                Action::Respond,
            ] {
                assert!(reach(Some(1), action).is_nothing(), "{action:?}");
            }
            assert!(reach(Some(79), Action::ViewFigures).is_nothing());
            assert!(reach(None, Action::ViewFigures).is_nothing());
        }
        assert!(ProvinceRole::ProvinceAdmin.may(ProvinceAction::Manage));
        assert!(!ProvinceRole::ProvinceViewer.may(ProvinceAction::Manage));
        assert!(
            ProvinceRole::ALL
                .iter()
                .all(|r| r.may(ProvinceAction::ViewFigures))
        );
        // A ward role keeps its reach beside a province role.
        let tdp = Uuid::now_v7();
        assert_eq!(
            Reach::of_person(
                &[grant(619, Role::Volunteer, Some(tdp))],
                &viewer,
                619,
                Some(1),
                Action::Record
            ),
            Reach::Tdps(vec![tdp])
        );
    }

    #[test]
    fn a_viewer_never_sees_people() {
        assert!(!Role::Viewer.allows(Action::ViewPeople));
        assert!(Role::Viewer.allows(Action::ViewFigures));
        assert!(Role::ALL.iter().all(|r| r.allows(Action::ViewFigures)));
        assert!(
            Role::ALL
                .iter()
                .filter(|r| r.allows(Action::ManageWard))
                .eq([&Role::WardAdmin])
        );
    }
}
