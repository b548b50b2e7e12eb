{{- define "micropay-lib.testPod" -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "micropay-lib.fullname" . }}-test-readyz
  labels:
    # Not the Service's selector labels: the test pod must not become an endpoint.
    app.kubernetes.io/name: {{ include "micropay-lib.name" . }}-test
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/component: test
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    {{- include "micropay-lib.podSecurityContext" . | nindent 4 }}
  containers:
    - name: readyz
      image: {{ .Values.tests.image }}
      command: ["wget", "-q", "-T", "5", "-O", "-", "http://{{ include "micropay-lib.fullname" . }}:{{ .Values.service.port }}/readyz"]
      resources:
        requests: { cpu: 10m, memory: 16Mi }
        limits: { memory: 32Mi }
      securityContext:
        {{- include "micropay-lib.containerSecurityContext" . | nindent 8 }}
{{- end }}
