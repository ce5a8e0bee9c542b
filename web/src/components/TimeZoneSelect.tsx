import { Select } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { timeZones } from '../lib/format.ts';

/** A searchable select of IANA time zones. */
export function TimeZoneSelect(props: {
  value: string;
  onChange: (zone: string) => void;
  disabled?: boolean;
  error?: string;
}) {
  const { t } = useTranslation();
  const data = useMemo(() => {
    const zones = timeZones();
    return zones.includes(props.value) || !props.value ? zones : [props.value, ...zones];
  }, [props.value]);
  return (
    <Select
      label={t('workspace.timezone')}
      description={t('workspace.timezoneHelp')}
      data={data}
      value={props.value}
      onChange={(zone) => zone && props.onChange(zone)}
      searchable
      allowDeselect={false}
      nothingFoundMessage={t('common.nothingFound')}
      disabled={props.disabled}
      error={props.error}
      limit={200}
      required
    />
  );
}
