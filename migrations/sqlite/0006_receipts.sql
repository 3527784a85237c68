-- A port request keeps the receipt the portal was told; how that is said in HTTP is the
-- API's business, not the store's.
ALTER TABLE port_requests DROP COLUMN http_status;
