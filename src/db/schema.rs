//! Table definitions shared by both backends: portable column types only (`BigInt` ids,
//! `Text` enums, `Timestamp` in UTC, `Date`, `Bool`).

diesel::table! {
    sites (id) {
        id -> BigInt,
        name -> Text,
        time_zone -> Text,
        address -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    units (id) {
        id -> BigInt,
        site_id -> BigInt,
        building -> Text,
        entrance -> Text,
        room -> Text,
        floor_area_centi_m2 -> Nullable<BigInt>,
        handover_date -> Nullable<Date>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Nullable<Text>,
        phone -> Nullable<Text>,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff_sites (user_id, site_id) {
        user_id -> BigInt,
        site_id -> BigInt,
    }
}

diesel::table! {
    unit_memberships (id) {
        id -> BigInt,
        unit_id -> BigInt,
        user_id -> BigInt,
        relation -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_throttles (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(units -> sites (site_id));
diesel::joinable!(staff_sites -> users (user_id));
diesel::joinable!(staff_sites -> sites (site_id));
diesel::joinable!(unit_memberships -> units (unit_id));
diesel::joinable!(unit_memberships -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    sites,
    units,
    users,
    staff_sites,
    unit_memberships,
    refresh_tokens,
    login_throttles,
);
