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
        refuses_visits -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        integration -> Bool,
        language -> Text,
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

diesel::table! {
    /// Background jobs: which instance runs each sweep, until when.
    job_leases (name) {
        name -> Text,
        holder -> Text,
        leased_until -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        recipient_id -> BigInt,
        site_id -> BigInt,
        unit_id -> Nullable<BigInt>,
        kind -> Text,
        subject -> Text,
        subject_id -> BigInt,
        message -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        delivered_by -> Nullable<BigInt>,
        delivered_via -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        site_id -> BigInt,
        stage -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        object_key -> Text,
        thumbnail_key -> Nullable<Text>,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> BigInt,
        key -> Text,
        fingerprint -> Text,
        created_at -> Timestamp,
        claim -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        response_status -> Nullable<BigInt>,
        response_body -> Nullable<Text>,
    }
}

diesel::table! {
    number_sequences (site_id, prefix, day) {
        site_id -> BigInt,
        prefix -> Text,
        day -> Text,
        last_value -> BigInt,
    }
}

diesel::table! {
    timeline_entries (id) {
        id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follow_up_visits (id) {
        id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        butler_id -> BigInt,
        method -> Text,
        satisfaction -> Text,
        result -> Text,
        visited_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fee_items (id) {
        id -> BigInt,
        site_id -> BigInt,
        name -> Text,
        price_fen -> BigInt,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        site_id -> BigInt,
        number -> Text,
        unit_id -> Nullable<BigInt>,
        location -> Nullable<Text>,
        category -> Text,
        priority -> Text,
        suggested_priority -> Nullable<Text>,
        channel -> Text,
        contact_phone -> Text,
        description -> Text,
        reporter_id -> BigInt,
        received_by -> Nullable<BigInt>,
        status -> Text,
        route -> Text,
        proposed_route -> Text,
        route_reason -> Text,
        arrive_by -> Nullable<Timestamp>,
        fix_by -> Timestamp,
        visit_by -> Nullable<Timestamp>,
        arrived_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        developer_slip -> Nullable<Text>,
        developer_due_at -> Nullable<Timestamp>,
        developer_acknowledged_at -> Nullable<Timestamp>,
        taken_over_at -> Nullable<Timestamp>,
        settlement_signed_at -> Nullable<Timestamp>,
        head_count -> Nullable<Integer>,
        labour_minutes -> Nullable<BigInt>,
        result_note -> Nullable<Text>,
        charge_fen -> Nullable<BigInt>,
        charge_item -> Nullable<Text>,
        charge_status -> Text,
        acceptance -> Nullable<Text>,
        rating -> Nullable<Integer>,
        rating_comment -> Nullable<Text>,
        rework_count -> Integer,
        warranty_of -> Nullable<BigInt>,
        free_of_charge -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_engineers (ticket_id, engineer_id) {
        ticket_id -> BigInt,
        engineer_id -> BigInt,
        lead -> Bool,
    }
}

diesel::table! {
    ticket_materials (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        name -> Text,
        quantity -> BigInt,
        unit_price_fen -> BigInt,
    }
}

diesel::table! {
    working_hours (id) {
        id -> BigInt,
        site_id -> BigInt,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    calendar_days (id) {
        id -> BigInt,
        site_id -> BigInt,
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    standard_replies (id) {
        id -> BigInt,
        site_id -> BigInt,
        subject -> Text,
        title -> Text,
        body -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        site_id -> BigInt,
        number -> Text,
        complainant_kind -> Text,
        complainant_id -> Nullable<BigInt>,
        complainant_name -> Nullable<Text>,
        complainant_phone -> Nullable<Text>,
        unit_id -> Nullable<BigInt>,
        channel -> Text,
        class -> Text,
        nature -> Text,
        communication_kind -> Nullable<Text>,
        subject -> Text,
        major -> Bool,
        major_lead_id -> Nullable<BigInt>,
        sensitive -> Bool,
        description -> Text,
        received_by -> BigInt,
        owner_id -> Nullable<BigInt>,
        department -> Nullable<Text>,
        status -> Text,
        respond_by -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        handoff_by -> Nullable<Timestamp>,
        handed_off_at -> Nullable<Timestamp>,
        reply_promised_by -> Nullable<Timestamp>,
        promise_kept_at -> Nullable<Timestamp>,
        fix_by -> Nullable<Timestamp>,
        responsibility -> Nullable<Text>,
        compensation -> Nullable<Text>,
        escalation -> Nullable<Text>,
        developer_due_at -> Nullable<Timestamp>,
        developer_replied_at -> Nullable<Timestamp>,
        next_chase_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
        root_cause -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        opinion -> Nullable<Text>,
        opinion_comment -> Nullable<Text>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        visit_exemption -> Nullable<Text>,
        visit_by -> Nullable<Timestamp>,
        closure_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        merged_into -> Nullable<BigInt>,
        complainant_count -> Integer,
        occurrences -> Integer,
        impact -> Nullable<Text>,
        reopen_count -> Integer,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_messages (id) {
        id -> BigInt,
        complaint_id -> BigInt,
        kind -> Text,
        author_id -> BigInt,
        body -> Text,
        standard_reply_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    archive_checklists (id) {
        id -> BigInt,
        site_id -> BigInt,
        version -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    archive_checklist_items (id) {
        id -> BigInt,
        checklist_id -> BigInt,
        position -> Integer,
        doc_type -> Text,
        title -> Text,
        required -> Bool,
        owner_signs -> Bool,
        staff_signs -> Bool,
        finance_signs -> Bool,
    }
}

diesel::table! {
    archives (id) {
        id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        occupancy_id -> BigInt,
        owner_id -> BigInt,
        checklist_id -> BigInt,
        status -> Text,
        moved_in_at -> Timestamp,
        open_by -> Timestamp,
        opened_at -> Nullable<Timestamp>,
        established_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        close_reason -> Nullable<Text>,
        staff_note -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    archive_people (id) {
        id -> BigInt,
        archive_id -> BigInt,
        user_id -> Nullable<BigInt>,
        name -> Text,
        relation -> Text,
        phone -> Nullable<Text>,
        id_number_sealed -> Nullable<Text>,
        id_number_hash -> Nullable<Text>,
        id_number_masked -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    archive_documents (id) {
        id -> BigInt,
        archive_id -> BigInt,
        site_id -> BigInt,
        doc_type -> Text,
        title -> Text,
        doc_date -> Date,
        filed_by -> Nullable<BigInt>,
        filed_at -> Timestamp,
        ticket_id -> Nullable<BigInt>,
        complaint_id -> Nullable<BigInt>,
        summary -> Nullable<Text>,
        staff_note -> Nullable<Text>,
        for_user_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    archive_signatures (id) {
        id -> BigInt,
        document_id -> BigInt,
        party -> Text,
        recorded_by -> BigInt,
        signed_by_name -> Text,
        signed_at -> Timestamp,
    }
}

diesel::table! {
    archive_loans (id) {
        id -> BigInt,
        archive_id -> BigInt,
        site_id -> BigInt,
        borrower_id -> BigInt,
        purpose -> Text,
        due_back -> Timestamp,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        out_at -> Nullable<Timestamp>,
        back_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    archive_reads (id) {
        id -> BigInt,
        archive_id -> BigInt,
        site_id -> BigInt,
        reader_id -> BigInt,
        what -> Text,
        document_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        attachment_id -> Nullable<BigInt>,
        loan_id -> Nullable<BigInt>,
        reason -> Text,
        read_at -> Timestamp,
    }
}

diesel::table! {
    archive_flags (id) {
        id -> BigInt,
        archive_id -> BigInt,
        flag -> Text,
        reason -> Text,
        set_by -> BigInt,
        set_at -> Timestamp,
    }
}

diesel::table! {
    unit_keys (id) {
        id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        kind -> Text,
        label -> Text,
        copies -> Integer,
        status -> Text,
        holder_kind -> Text,
        holder_user_id -> Nullable<BigInt>,
        holder_name -> Nullable<Text>,
        holder_phone -> Nullable<Text>,
        holder_slot -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    key_handoffs (id) {
        id -> BigInt,
        key_id -> BigInt,
        site_id -> BigInt,
        sequence -> BigInt,
        kind -> Text,
        from_kind -> Nullable<Text>,
        from_user_id -> Nullable<BigInt>,
        from_name -> Nullable<Text>,
        from_phone -> Nullable<Text>,
        from_slot -> Nullable<Text>,
        to_kind -> Text,
        to_user_id -> Nullable<BigInt>,
        to_name -> Nullable<Text>,
        to_phone -> Nullable<Text>,
        to_slot -> Nullable<Text>,
        purpose -> Text,
        recorded_by -> BigInt,
        handed_at -> Timestamp,
        giver_confirmed_by -> Nullable<BigInt>,
        giver_signature_id -> Nullable<BigInt>,
        giver_confirmed_at -> Nullable<Timestamp>,
        receiver_confirmed_by -> Nullable<BigInt>,
        receiver_signature_id -> Nullable<BigInt>,
        receiver_confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    key_loans (id) {
        id -> BigInt,
        key_id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        lent_handoff_id -> BigInt,
        returned_handoff_id -> Nullable<BigInt>,
        ticket_id -> Nullable<BigInt>,
        inspection_document_id -> Nullable<BigInt>,
        due_back -> Timestamp,
        status -> Text,
        overdue_told_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        returned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    key_deposits (id) {
        id -> BigInt,
        key_id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        depositor_id -> BigInt,
        envelope_label -> Text,
        slot -> Text,
        quantity -> Integer,
        disclaimer_accepted_at -> Timestamp,
        deposit_handoff_id -> BigInt,
        pick_up_handoff_id -> Nullable<BigInt>,
        status -> Text,
        collector_name -> Nullable<Text>,
        collector_gender -> Nullable<Text>,
        collector_phone -> Nullable<Text>,
        collected_quantity -> Nullable<Integer>,
        collected_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    key_deposit_collectors (id) {
        id -> BigInt,
        deposit_id -> BigInt,
        name -> Text,
        phone -> Text,
    }
}

diesel::table! {
    key_incidents (id) {
        id -> BigInt,
        key_id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        kind -> Text,
        handoff_id -> BigInt,
        holder_kind -> Text,
        holder_user_id -> Nullable<BigInt>,
        holder_name -> Nullable<Text>,
        holder_slot -> Nullable<Text>,
        accountable_staff_id -> Nullable<BigInt>,
        note -> Text,
        occurred_at -> Timestamp,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        account_id -> BigInt,
        token_hash -> Text,
        token_prefix -> Text,
        requests_per_minute -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<BigInt>,
        last_used_at -> Nullable<Timestamp>,
        signing_secret -> Nullable<Text>,
    }
}

diesel::table! {
    api_key_permissions (api_key_id, permission) {
        api_key_id -> BigInt,
        permission -> Text,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        site_id -> Nullable<BigInt>,
        url -> Text,
        description -> Nullable<Text>,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        status -> Text,
        failing_since -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_subscriptions (endpoint_id, event_type) {
        endpoint_id -> BigInt,
        event_type -> Text,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> BigInt,
        event_type -> Text,
        site_id -> BigInt,
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        attempted_at -> Timestamp,
        status_code -> Nullable<BigInt>,
        latency_ms -> BigInt,
        error -> Nullable<Text>,
        manual -> Bool,
    }
}

diesel::joinable!(webhook_subscriptions -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> outbox_events (event_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::table! {
    ticket_releases (ticket_id, engineer_id) {
        ticket_id -> BigInt,
        engineer_id -> BigInt,
        released_at -> Timestamp,
    }
}

diesel::joinable!(units -> sites (site_id));
diesel::table! {
    hot_water_accounts (id) {
        id -> BigInt,
        unit_id -> BigInt,
        site_id -> BigInt,
        opened_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_meters (id) {
        id -> BigInt,
        unit_id -> BigInt,
        site_id -> BigInt,
        serial_number -> Text,
        installed_on -> Date,
        initial_litres -> BigInt,
        removed_on -> Nullable<Date>,
        final_litres -> Nullable<BigInt>,
        registered_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_readings (id) {
        id -> BigInt,
        meter_id -> BigInt,
        unit_id -> BigInt,
        site_id -> BigInt,
        litres -> BigInt,
        usage_litres -> BigInt,
        read_on -> Date,
        quarter -> Text,
        in_window -> Bool,
        reason -> Nullable<Text>,
        flagged -> Bool,
        read_by -> BigInt,
        created_at -> Timestamp,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    hot_water_settings (site_id) {
        site_id -> BigInt,
        renewal_threshold_fen -> BigInt,
        limit_after_days -> Integer,
        stop_after_days -> Integer,
        updated_by -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_supply (account_id) {
        account_id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        status -> Text,
        status_since -> Date,
        arrears_since -> Nullable<Date>,
        renewal_noticed -> Bool,
    }
}

diesel::table! {
    hot_water_dunning (id) {
        id -> BigInt,
        account_id -> BigInt,
        site_id -> BigInt,
        unit_id -> BigInt,
        complaint_id -> Nullable<BigInt>,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        started_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_dunning_steps (id) {
        id -> BigInt,
        dunning_id -> BigInt,
        step -> Text,
        taken_on -> Date,
        arrears_fen -> BigInt,
        arrears_since -> Date,
        late_fee_fen -> BigInt,
        note -> Nullable<Text>,
        taken_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_reading_notices (site_id, quarter, unit_id) {
        site_id -> BigInt,
        quarter -> Text,
        unit_id -> BigInt,
        noticed_by -> BigInt,
        noticed_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_tariffs (id) {
        id -> BigInt,
        site_id -> BigInt,
        effective_from -> Date,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hot_water_tariff_tiers (id) {
        id -> BigInt,
        tariff_id -> BigInt,
        up_to_litres -> Nullable<BigInt>,
        fen_per_cubic_metre -> BigInt,
    }
}

diesel::table! {
    hot_water_entries (id) {
        id -> BigInt,
        account_id -> BigInt,
        site_id -> BigInt,
        kind -> Text,
        amount_fen -> BigInt,
        method -> Nullable<Text>,
        receipt_number -> Nullable<Text>,
        reason -> Nullable<Text>,
        recorded_by -> BigInt,
        created_at -> Timestamp,
        reading_id -> Nullable<BigInt>,
        period_from -> Nullable<Date>,
        period_to -> Nullable<Date>,
        usage_litres -> Nullable<BigInt>,
        provider_reference -> Nullable<Text>,
    }
}

diesel::table! {
    hot_water_refused_reports (id) {
        id -> BigInt,
        api_key_id -> BigInt,
        idempotency_key -> Text,
        unit_id -> BigInt,
        site_id -> BigInt,
        provider_reference -> Text,
        amount_fen -> BigInt,
        currency -> Text,
        problem -> Text,
        detail -> Text,
        received_at -> Timestamp,
    }
}

diesel::joinable!(staff_sites -> users (user_id));
diesel::joinable!(hot_water_entries -> hot_water_accounts (account_id));
diesel::joinable!(hot_water_readings -> hot_water_meters (meter_id));
diesel::joinable!(hot_water_tariff_tiers -> hot_water_tariffs (tariff_id));
diesel::joinable!(hot_water_dunning_steps -> hot_water_dunning (dunning_id));
diesel::joinable!(staff_sites -> sites (site_id));
diesel::joinable!(unit_memberships -> units (unit_id));
diesel::joinable!(unit_memberships -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(tickets -> sites (site_id));
diesel::joinable!(tickets -> units (unit_id));
diesel::joinable!(ticket_engineers -> tickets (ticket_id));
diesel::joinable!(ticket_engineers -> users (engineer_id));
diesel::joinable!(ticket_materials -> tickets (ticket_id));
diesel::joinable!(fee_items -> sites (site_id));
diesel::joinable!(working_hours -> sites (site_id));
diesel::joinable!(calendar_days -> sites (site_id));

diesel::joinable!(standard_replies -> sites (site_id));
diesel::joinable!(complaints -> sites (site_id));
diesel::joinable!(complaints -> units (unit_id));
diesel::joinable!(complaint_messages -> complaints (complaint_id));

diesel::joinable!(archive_checklist_items -> archive_checklists (checklist_id));
diesel::joinable!(archives -> units (unit_id));
diesel::joinable!(archive_people -> archives (archive_id));
diesel::joinable!(archive_documents -> archives (archive_id));
diesel::joinable!(archive_signatures -> archive_documents (document_id));
diesel::joinable!(archive_loans -> archives (archive_id));
diesel::joinable!(archive_reads -> archives (archive_id));
diesel::joinable!(archive_flags -> archives (archive_id));
diesel::joinable!(key_handoffs -> unit_keys (key_id));
diesel::joinable!(key_loans -> unit_keys (key_id));
diesel::joinable!(key_deposits -> unit_keys (key_id));
diesel::joinable!(key_deposit_collectors -> key_deposits (deposit_id));
diesel::joinable!(key_incidents -> unit_keys (key_id));

diesel::allow_tables_to_appear_in_same_query!(
    sites,
    units,
    hot_water_accounts,
    hot_water_entries,
    hot_water_meters,
    hot_water_readings,
    hot_water_tariffs,
    hot_water_tariff_tiers,
    hot_water_settings,
    hot_water_supply,
    hot_water_dunning,
    hot_water_dunning_steps,
    hot_water_reading_notices,
    hot_water_refused_reports,
    users,
    staff_sites,
    unit_memberships,
    refresh_tokens,
    login_throttles,
    number_sequences,
    timeline_entries,
    follow_up_visits,
    fee_items,
    tickets,
    ticket_engineers,
    ticket_materials,
    standard_replies,
    complaints,
    complaint_messages,
    working_hours,
    calendar_days,
    job_leases,
    idempotency_keys,
    notifications,
    attachments,
    archive_checklists,
    archive_checklist_items,
    archives,
    archive_people,
    archive_documents,
    archive_signatures,
    archive_loans,
    archive_reads,
    archive_flags,
    unit_keys,
    key_handoffs,
    key_loans,
    key_deposits,
    key_deposit_collectors,
    key_incidents,
    api_keys,
    api_key_permissions,
    webhook_endpoints,
    webhook_subscriptions,
    outbox_events,
    webhook_deliveries,
    webhook_attempts,
    ticket_releases,
);
