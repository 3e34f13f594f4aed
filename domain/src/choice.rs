//! `choice!`: the one way an enum of snake_case words is declared.

/// The enums whose values travel as snake_case words — in JSON, in the database's text
/// columns and in the forms' `<select>`s — with their one mapping, derived once: `ALL` in
/// declaration order, `as_str` and `parse` by serde's names (a test checks every variant), and
/// with the `sqlx` feature a decoding from text, so that an unknown word in the database is an
/// error, never a silent default.
macro_rules! choice {
    ($($(#[$meta:meta])* pub enum $name:ident { $($body:tt)* })*) => {
        $(
            $(#[$meta])*
            #[derive(
                Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize,
                strum::VariantArray, strum::IntoStaticStr, strum::EnumString,
            )]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            #[cfg_attr(
                feature = "sqlx",
                derive(sqlx::Type),
                sqlx(type_name = "text", rename_all = "snake_case")
            )]
            #[serde(rename_all = "snake_case")]
            #[strum(serialize_all = "snake_case")]
            pub enum $name { $($body)* }

            impl $name {
                pub const ALL: &'static [Self] = <Self as strum::VariantArray>::VARIANTS;

                /// The name the API, the database and the forms use.
                pub fn as_str(self) -> &'static str {
                    self.into()
                }

                pub fn parse(s: &str) -> Option<Self> {
                    s.parse().ok()
                }
            }
        )*
    };
}
