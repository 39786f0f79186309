package awsrules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The fields of an AWS cron expression: cron(Minutes Hours Day-of-month
// Month Day-of-week Year) (Amazon EventBridge User Guide, "Cron
// expressions", which the AWS Backup API reference,
// BackupRuleInput.ScheduleExpression, points to).
var cronFields = []struct {
	name string
	re   *regexp.Regexp
}{
	{"minutes", regexp.MustCompile(`^([0-5]?\d)$`)},
	{"hours", regexp.MustCompile(`^(\*|[01]?\d|2[0-3])([,-/]([01]?\d|2[0-3]))*$`)},
	{"day-of-month", regexp.MustCompile(`^(\?|\*|L|LW|([1-9]|[12]\d|3[01])W?)([,-/]([1-9]|[12]\d|3[01]))*$`)},
	{"month", regexp.MustCompile(`^(\*|[1-9]|1[0-2]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)([,-/](\d+|[A-Z]{3}))*$`)},
	{"day-of-week", regexp.MustCompile(`^(\?|\*|[1-7]L?|SUN|MON|TUE|WED|THU|FRI|SAT)([,-/#]([1-7]|[A-Z]{3}))*$`)},
	{"year", regexp.MustCompile(`^(\*|19[7-9]\d|2[01]\d\d)([,-/]\d+)*$`)},
}

// CheckBackupSchedule checks an AWS Backup schedule: an AWS cron expression
// of six fields, one of the two day fields "?", running at most hourly.
// AWS Backup refuses a shorter interval ("The interval between backup jobs
// shouldn't be less than 60 minutes"; AWS Backup Developer Guide, "Backup
// plan options": "as frequently as hourly"), so the minutes field must be
// one fixed minute.
func CheckBackupSchedule(s string) error {
	inner, ok := strings.CutPrefix(s, "cron(")
	if inner, ok = strings.CutSuffix(inner, ")"); !ok || !strings.HasPrefix(s, "cron(") {
		return fmt.Errorf("%q must be an AWS cron expression such as cron(0 3 * * ? *)", s)
	}
	fields := strings.Fields(inner)
	if len(fields) != len(cronFields) {
		return fmt.Errorf("%q has %d fields; AWS cron has 6: minutes hours day-of-month month day-of-week year", s, len(fields))
	}
	for i, f := range cronFields {
		if !f.re.MatchString(fields[i]) {
			if i == 0 {
				return fmt.Errorf("%q: minutes %q must be one minute (0-59); AWS Backup runs at most hourly", s, fields[i])
			}
			return fmt.Errorf("%q: %s %q is not a valid AWS cron field", s, f.name, fields[i])
		}
	}
	if (fields[2] == "?") == (fields[4] == "?") {
		return fmt.Errorf("%q: exactly one of day-of-month and day-of-week must be ?", s)
	}
	if m, _ := strconv.Atoi(fields[0]); m > 59 {
		return fmt.Errorf("%q: minutes %d is above 59", s, m)
	}
	return nil
}
