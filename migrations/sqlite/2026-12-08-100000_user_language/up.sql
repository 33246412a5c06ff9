-- The language a person reads their notices in (`en` or `zh-CN`); a request's own
-- problems follow its Accept-Language instead.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en'
    CONSTRAINT users_language_check CHECK (language IN ('en', 'zh-CN'));
