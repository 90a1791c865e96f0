-- Each storefront funnel event's own id ([P]): the blocks send an event either through the web pixel (published
-- with Shopify.analytics.publish, forwarded by the pixel) or, where the storefront has no pixel manager, straight
-- to the app proxy. The id makes an event that reached the app both ways count once. NULL for events stored
-- before this migration and for the checkout UI extension's events, which have no second path.
ALTER TABLE events ADD COLUMN event_id TEXT;
CREATE UNIQUE INDEX events_event_id ON events(event_id) WHERE event_id IS NOT NULL;
