//! Accounts, roles, sessions, invitations and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{ProvinceRole, Role};

schema! {
    /// One role a person holds.
    pub struct Grant {
        pub ward_code: i32,
        pub ward_name: String,
        pub role: Role,
        /// The TDP of a team role; `None` for the ward-wide roles.
        pub tdp_id: Option<Uuid>,
        pub tdp_name: Option<String>,
    }

    /// One role a person holds over a whole province.
    pub struct ProvinceGrant {
        pub province_code: i32,
        pub province_name: String,
        pub role: ProvinceRole,
    }

    /// The signed-in person.
    pub struct Me {
        pub id: Uuid,
        pub phone: String,
        pub full_name: String,
        /// Roles in wards. Roles over provinces are asked for apart (`GET /provinces`): the
        /// pages that use them fetch them, and the sign-in page's code stays smaller.
        pub grants: Vec<Grant>,
    }

    /// What the app asks first: who is signed in and, on a demo server only, the demo accounts.
    pub struct SessionInfo {
        pub user: Option<Me>,
        pub demo_accounts: Vec<DemoAccount>,
    }

    /// A demo ward's account, shown on the sign-in page of a server started with `--demo`.
    pub struct DemoAccount {
        pub phone: String,
        pub password: String,
        pub role: Role,
        pub full_name: String,
    }

    pub struct SignIn {
        pub phone: String,
        pub password: String,
    }

    pub struct PasswordChange {
        pub current_password: String,
        pub new_password: String,
    }

    /// A person's account, as the ward's admins see it.
    pub struct Account {
        pub id: Uuid,
        pub phone: String,
        pub full_name: String,
        /// A disabled account cannot sign in and its sessions are over.
        pub disabled: bool,
        /// False until the person has set a password (an accepted invitation or an admin).
        pub has_password: bool,
        /// Only the roles in the ward the list was asked for.
        pub grants: Vec<Grant>,
        pub created_at: DateTime<Utc>,
    }

    /// An account made by a ward admin, with its first role in that ward.
    pub struct NewAccount {
        pub phone: String,
        pub full_name: String,
        pub password: String,
        pub role: Role,
        pub tdp_id: Option<Uuid>,
    }

    pub struct AccountChange {
        pub disabled: bool,
    }

    pub struct NewGrant {
        pub role: Role,
        pub tdp_id: Option<Uuid>,
    }

    /// A team leader's invitation for one volunteer of their TDP.
    pub struct NewInvitation {
        pub full_name: String,
    }

    pub struct Invitation {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub full_name: String,
        pub created_at: DateTime<Utc>,
        pub expires_at: DateTime<Utc>,
        pub status: InvitationStatus,
    }

    /// Answered once, when the invitation is made: only a hash of the token is stored, so the
    /// link cannot be shown again.
    pub struct CreatedInvitation {
        pub invitation: Invitation,
        /// Goes into the link `/moi/<token>`.
        pub token: String,
        /// The whole link, for sending by Zalo or SMS.
        pub link: String,
        /// The link as a QR code (an SVG document), for scanning from the leader's phone.
        pub qr_svg: String,
    }

    /// What the invitation page shows before the volunteer chooses a password.
    pub struct InvitationPreview {
        pub ward_name: String,
        pub tdp_name: String,
        pub full_name: String,
        pub expires_at: DateTime<Utc>,
    }

    pub struct AcceptInvitation {
        pub phone: String,
        pub password: String,
    }

    /// One create/update/delete, as the append-only audit log keeps it.
    pub struct AuditEntry {
        pub id: i64,
        pub at: DateTime<Utc>,
        pub user_id: Option<Uuid>,
        pub user_name: Option<String>,
        pub action: AuditAction,
        /// The table's name, e.g. `households`.
        pub entity: String,
        pub entity_id: String,
        /// The record as written (for a create), or the fields changed; once `forgotten`,
        /// only the names of the fields (`{"fields": [..]}`).
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub change: serde_json::Value,
        /// Past the retention period (`--audit-retention-days`): the values are gone.
        #[serde(default)]
        pub forgotten: bool,
    }
}

choice! {
    pub enum InvitationStatus {
        Pending,
        Accepted,
        Revoked,
        Expired,
    }

    pub enum AuditAction {
        Create,
        Update,
        Delete,
    }
}
