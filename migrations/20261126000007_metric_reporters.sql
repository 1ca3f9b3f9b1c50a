-- Which kinds of organisation report each metric (issue 13): a comma-separated
-- list of organisation kinds ('acute_trust,icb'); empty means none yet. The
-- seed catalogue's metrics get the kinds the NHS collects them from; ICS-level
-- figures come from the ICB.

ALTER TABLE metric ADD COLUMN reported_by TEXT NOT NULL DEFAULT '';

UPDATE metric SET reported_by = 'mh_trust,icb'
 WHERE id IN ('m_mha_detention_rate', 'm_mha_detention_ratio_black_white', 'm_community_access',
              'm_hbpos_open', 'm_inappropriate_oap_days') AND reported_by = '';
UPDATE metric SET reported_by = 'mh_trust' WHERE id IN ('m_advance_care_plans', 'm_los_over_60', 'm_clinically_ready')
   AND reported_by = '';
UPDATE metric SET reported_by = 'acute_trust,icb' WHERE id IN ('m_ed_mh_attendances', 'm_ed_12h_mh') AND reported_by = '';
UPDATE metric SET reported_by = 'police,mh_trust' WHERE id IN ('m_s136_detentions', 'm_s136_to_ed') AND reported_by = '';
UPDATE metric SET reported_by = 'ambulance' WHERE id = 'm_mhjrc_days' AND reported_by = '';
UPDATE metric SET reported_by = 'icb' WHERE id = 'm_111_mh_live' AND reported_by = '';
UPDATE metric SET reported_by = 'acute_trust,mh_trust,icb' WHERE id IN ('m_liaison_1h', 'm_core24_eds')
   AND reported_by = '';
